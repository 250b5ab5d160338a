/**
 * Turns successive screen reads into a serial-like byte stream, so the serial engine's expect and
 * runner work on a VNC console: a line that grew emits only its new tail, a new line is preceded by
 * CRLF, and a scrolled screen is recognised (the old lines found higher up) instead of re-emitted.
 */
export class ScreenStream {
  private prev: string[] = [];
  /** Row (in the previous screen's coordinates) that the stream's current line belongs to. */
  private row = -1;

  /** Text to append to the stream for the transition from the previous screen to `lines`. */
  next(screen: readonly string[]): string {
    const lines = screen.map((l) => l.trimEnd());
    const k = scrollOf(this.prev, lines);
    let out = '';
    let row = this.row - k;
    for (let r = 0; r < lines.length; r++) {
      const now = lines[r]!;
      const before = this.prev[r + k] ?? '';
      if (now === before) continue;
      if (r !== row) {
        out += '\r\n';
        row = r;
        out += now;
      } else if (now.startsWith(before)) {
        out += now.slice(before.length);
      } else {
        out += `\r\x1b[K${now}`;
      }
    }
    this.prev = lines;
    this.row = row;
    return out;
  }
}

/** How many lines the screen scrolled up: the shift that lines up most non-blank old lines. */
export function scrollOf(prev: readonly string[], next: readonly string[]): number {
  let best = 0;
  let bestScore = matches(prev, next, 0);
  for (let k = 1; k < prev.length; k++) {
    const s = matches(prev, next, k);
    if (s > bestScore) [best, bestScore] = [k, s];
  }
  return best;
}

function matches(prev: readonly string[], next: readonly string[], k: number): number {
  let n = 0;
  for (let i = 0; i + k < prev.length && i < next.length; i++) if (next[i] && next[i] === prev[i + k]) n++;
  return n;
}

import { UNKNOWN_CHAR } from './glyph-table.js';
import type { CellPos } from './screen-reader.js';

/**
 * Where the cursor is for one read: a cell (seen), 'hidden' (a blink phase hid it; it may be anywhere)
 * or 'none' (this console shows no cursor at all: stop waiting for it).
 */
export type CursorSighting = CellPos | 'hidden' | 'none';

/**
 * Turns successive screen reads into a serial-like byte stream, so the serial engine's expect and
 * runner work on a VNC console: a line that grew emits only its new tail, a new line is preceded by
 * CRLF, and a scrolled screen is recognised (the old lines found higher up) instead of re-emitted.
 *
 * Blanks at the end of a row are invisible, yet prompts end with one ("login: ", "# "): only the
 * cursor tells where the line really ends. The cursor row is therefore emitted up to the cursor,
 * and while a blink phase hides the cursor, a last line that ends like a prompt is held back: emitted
 * early without its blank, the blank would arrive after the prompt matched, glued to the front of the
 * next echo (" root" instead of "root" after "login:"). Other lines go out at once (a late blank
 * inside typed text lands in the right place).
 */
export class ScreenStream {
  /** What the stream has shown for each row (in the previous screen's coordinates). */
  private prev: string[] = [];
  /** Row (in the previous screen's coordinates) that the stream's current line belongs to. */
  private row = -1;
  /** The last cursor seen, with the screen it was seen on (valid while that screen stays the same). */
  private seen: { cursor: CellPos; lines: string[] } | undefined;
  /** A row was held back at the last call: a later read must come. */
  pending = false;
  /** Each row as the last read showed it (cursor padding included, nothing held back). */
  private raw: string[] = [];
  /** Rows the screen scrolled at the last call. */
  scrolled = 0;
  /** Times a whole screenful of new text replaced the last one: output scrolled away unread. */
  losses = 0;

  /**
   * Text to append to the stream for the transition from the previous screen to `screen`. With
   * `cols` (the console's width), a row written up to its last column continues in the next row.
   */
  next(screen: readonly string[], sighting: CursorSighting = 'none', cols?: number): string {
    const trimmed = screen.map((l) => l.trimEnd());
    const cursor = this.cursorFor(trimmed, sighting);
    const lines = trimmed.map((l, r) => (cursor && cursor.row === r ? l.padEnd(cursor.col, ' ') : l));
    const last = lastNonBlank(trimmed);
    const held = cursor || sighting === 'none' || !PROMPT_END.test(trimmed[last] ?? '') ? -1 : last;
    const k = scrollOf(this.prev, lines);
    this.scrolled = k;
    const shown: string[] = [];
    let out = '';
    if (scrolledAway(this.prev, lines, k)) {
      // Never pass a gap off as the output: say so in the stream, where the reader of it looks.
      this.losses++;
      out += `\r\n${LOST_OUTPUT}`;
      this.row = -1;
    }
    let row = this.row - k;
    this.pending = false;
    for (let r = 0; r < lines.length; r++) {
      let now = lines[r]!;
      const before = this.prev[r + k] ?? '';
      // Unknown glyphs ending a row are mostly a cell read while the guest was still painting it:
      // sent now, the finished row could only follow as a rewrite (and a typed line's echo would not
      // match). They wait for a read that shows the row the same again.
      const unsettled = UNSETTLED_TAIL.exec(now);
      if (unsettled && this.raw[r + k] !== now) {
        now = now.slice(0, unsettled.index);
        this.pending = true;
      }
      // Without the cursor on it, a row differing only in trailing blanks has not changed.
      if (now !== before && cursor?.row !== r && now === before.trimEnd()) now = before;
      if (now === before || r === held) {
        this.pending ||= now !== before;
        shown.push(before);
        continue;
      }
      shown.push(now);
      if (now === '') {
        // A cleared row carries no text; whatever is written there later starts a new line.
        if (r === row) row = -1;
        continue;
      }
      if (r !== row) {
        // A row filled to the last column that goes on in the next row is one wrapped line.
        if (!(cols && r === row + 1 && isFull(screen[row], cols))) out += '\r\n';
        row = r;
        out += now;
      } else if (now.startsWith(before)) {
        out += now.slice(before.length);
      } else {
        out += `\r\x1b[K${now}`;
      }
    }
    this.prev = shown;
    this.raw = lines;
    this.row = row;
    return out;
  }

  private cursorFor(lines: string[], sighting: CursorSighting): CellPos | undefined {
    if (typeof sighting === 'object') {
      this.seen = { cursor: sighting, lines };
      return sighting;
    }
    // Hidden by the blink: still where it was if nothing on the screen changed since.
    if (sighting === 'hidden' && this.seen && sameLines(this.seen.lines, lines)) return this.seen.cursor;
    return undefined;
  }
}

/** Put in the stream where output scrolled off the screen before it could be read. */
export const LOST_OUTPUT = '[vps-rescue: output scrolled off the VNC screen unread]';

/**
 * The previous screen had text and none of it is left anywhere in the new one, which is text to the
 * bottom row: more than a screenful went by between two reads. (A cleared screen has blank rows.)
 */
function scrolledAway(prev: readonly string[], next: readonly string[], k: number): boolean {
  if (k !== 0) return false;
  const old = prev.map((l) => l.trimEnd()).filter((l) => l !== '');
  const now = next.map((l) => l.trimEnd()).filter((l) => l !== '');
  if (old.length === 0 || now.length < Math.max(3, next.length - 2)) return false;
  // Only the last row grows in place (typing, a prompt answered); any other old row would reappear whole.
  const last = old[old.length - 1]!;
  return now.every((l) => !old.includes(l) && !l.startsWith(last));
}

/** Unknown glyphs (and the cursor's padding after them) at the end of a row. */
const UNSETTLED_TAIL = new RegExp(`${UNKNOWN_CHAR}[${UNKNOWN_CHAR} ]*$`);

/** How prompts end (login:, Password:, #, $, %, >): the lines whose trailing blank matters. */
const PROMPT_END = /[:#$%>]$/;

/**
 * Screen reads → stream, deciding per read whether the cursor is hidden by its blink or absent
 * altogether (no cursor seen for `cursorlessMs`: the last line is then not held back any more).
 */
export class ScreenFeed {
  readonly stream = new ScreenStream();
  private cursorSeenAt: number;

  constructor(
    private readonly cursorlessMs: number,
    now = Date.now(),
  ) {
    this.cursorSeenAt = now;
  }

  get pending(): boolean {
    return this.stream.pending;
  }

  get losses(): number {
    return this.stream.losses;
  }

  read(screen: { lines: readonly string[]; cursor?: CellPos; cols?: number }, now = Date.now()): string {
    if (screen.cursor) this.cursorSeenAt = now;
    const sighting: CursorSighting =
      screen.cursor ?? (now - this.cursorSeenAt > this.cursorlessMs ? 'none' : 'hidden');
    return this.stream.next(screen.lines, sighting, screen.cols);
  }
}

/**
 * The console wrapped after this row: its last column is written. (A line of exactly `cols`
 * characters followed by a line break looks the same on the screen, and is read as one line.)
 */
function isFull(row: string | undefined, cols: number): boolean {
  return row !== undefined && row.trimEnd().length === cols;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

function lastNonBlank(lines: readonly string[]): number {
  for (let r = lines.length - 1; r >= 0; r--) if (lines[r] !== '') return r;
  return -1;
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
  for (let i = 0; i + k < prev.length && i < next.length; i++) {
    const a = prev[i + k]!.trimEnd();
    if (a && next[i]!.trimEnd() === a) n++;
  }
  return n;
}

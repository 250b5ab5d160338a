// @xterm/headless is CommonJS: its named ESM import fails at runtime, so take the default export.
import xterm from '@xterm/headless';

export const SCREEN_COLS = 80;
export const SCREEN_ROWS = 24;

/**
 * The rendered console screen, as a terminal emulator would show it: what a person taking over the
 * console sees, what error messages quote, and what answers the remote's terminal queries (ESC[6n).
 */
export class Screen {
  private term: InstanceType<typeof xterm.Terminal>;
  private replyListeners = new Set<(data: string) => void>();
  private writes: Promise<void> = Promise.resolve();

  constructor(cols = SCREEN_COLS, rows = SCREEN_ROWS) {
    // The buffer API is marked proposed; without allowProposedApi reading it throws.
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
    // Replies the emulator generates (cursor position reports, device attributes) belong to the remote.
    this.term.onData((data) => {
      for (const listener of this.replyListeners) listener(data);
    });
  }

  onReply(listener: (data: string) => void): () => void {
    this.replyListeners.add(listener);
    return () => this.replyListeners.delete(listener);
  }

  /** The size the remote was told (stty): its full-width lines and cursor moves then land as drawn. */
  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  /** Resolves once the emulator has parsed `data`; only then does the buffer reflect it. */
  write(data: Uint8Array | string): Promise<void> {
    const done = new Promise<void>((resolve) => this.term.write(data, resolve));
    this.writes = done;
    return done;
  }

  /** Waits for every write so far to be parsed. */
  settled(): Promise<void> {
    return this.writes;
  }

  /** Visible rows as text, soft-wrapped rows joined to their logical line, trailing blank rows dropped. */
  lines(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = buffer.viewportY; y < buffer.viewportY + this.term.rows; y++) {
      const line = buffer.getLine(y);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && out.length > 0) out[out.length - 1] += text;
      else out.push(text);
    }
    while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** The logical line the cursor is on, up to the cursor (where a prompt waits for input). */
  cursorLine(): string {
    const buffer = this.term.buffer.active;
    const y = buffer.baseY + buffer.cursorY;
    let text = buffer.getLine(y)?.translateToString(true, 0, buffer.cursorX) ?? '';
    for (let up = y; up > 0 && buffer.getLine(up)?.isWrapped; up--) {
      text = (buffer.getLine(up - 1)?.translateToString(true) ?? '') + text;
    }
    return text;
  }

  /** A short one-line summary of the screen for error messages: the last non-empty rows. */
  summary(rows = 4): string {
    return this.lines()
      .filter((l) => l.trim() !== '')
      .slice(-rows)
      .map((l) => l.trimEnd())
      .join(' | ');
  }

  dispose(): void {
    this.term.dispose();
  }
}

// @xterm/headless is CommonJS: its named ESM import fails at runtime, so take the default export.
import xterm from '@xterm/headless';
import {
  BaseTransport,
  type ByteTransport,
  type ScreenSnapshot,
} from '../../../src/console/transport/types.js';
import { ScreenFeed } from '../../../src/console/vnc/screen-stream.js';

/**
 * A serial console seen the way a VNC console is: only an 80x25 screen. The bytes are rendered by a
 * terminal emulator without scrollback, and what comes back is the stream of screen reads (the same
 * ScreenFeed as vnc-transport), so output that scrolls away between two reads is gone, as on VNC.
 * `damage` may rewrite a screen read (a misread glyph).
 */
export class ScreenOnlyTransport extends BaseTransport {
  readonly description = 'fake screen-only console';
  readonly screenRows = 25;
  private readonly term = new xterm.Terminal({ cols: 80, rows: 25, scrollback: 0, allowProposedApi: true });
  private readonly feed = new ScreenFeed(60_000);
  damage: ((lines: string[]) => string[]) | undefined;
  reads = 0;

  constructor(private readonly inner: ByteTransport) {
    super();
    inner.onData((chunk) => this.term.write(chunk, () => this.refresh()));
    inner.onClose((reason) => this.emitClose(reason));
  }

  get lostOutput(): number {
    return this.feed.losses;
  }

  write(data: Uint8Array | string): void {
    this.inner.write(data);
  }

  readScreen(): ScreenSnapshot {
    this.reads++;
    const lines = this.rows();
    return { rows: 25, cols: 80, lines: this.damage ? this.damage(lines) : lines };
  }

  async close(): Promise<void> {
    this.term.dispose();
    await this.inner.close();
    this.emitClose('closed by us');
  }

  private rows(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < 25; y++)
      out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(false) ?? '');
    return out;
  }

  private refresh(): void {
    const buffer = this.term.buffer.active;
    const cursor = { row: buffer.cursorY, col: buffer.cursorX };
    const out = this.feed.read({ lines: this.rows(), cursor, cols: 80 });
    if (out) this.emitData(Buffer.from(out, 'utf8'));
  }
}

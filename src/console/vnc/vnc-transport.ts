import type { VncWebsocketEndpoint } from '../endpoint.js';
import { BaseTransport, toBuffer } from '../transport/types.js';
import { loadGlyphTables } from './font-tables.js';
import { EchoWindow, shownChars } from './echo-window.js';
import { DEFAULT_KEYBOARD, Keyboard, type KeyboardSettings } from './keyboard.js';
import { RfbClient } from './rfb-client.js';
import { ScreenReader, type ScreenText } from './screen-reader.js';
import { ScreenFeed } from './screen-stream.js';

export interface VncTransportOptions {
  keyboard?: Partial<KeyboardSettings>;
  /** Read the screen at most this often (ms). */
  readIntervalMs?: number;
  /** Scancode bytes typed ahead of the screen's echo at most (default 12: a PS/2 queue holds 16). */
  echoBudget?: number;
  /** No cursor seen for this long: the console shows none, stop holding back the last line (ms). */
  cursorlessMs?: number;
}

/** Longer than the slowest cursor blink phase we know (QEMU's VGA text mode: ~270 ms, fbcon: 200 ms). */
const CURSORLESS_MS = 1500;
/** While a row is held back for the cursor, read again this often even if the server sends nothing. */
const HELD_REREAD_MS = 150;

/**
 * A VNC console seen as the serial engine's ByteTransport: written bytes are typed as keys (in
 * order, paced), and what appears on the screen comes back as a stream (ScreenStream), so login,
 * expect and the command runner work unchanged. The screen text itself is available as `screen`.
 */
export class VncTransport extends BaseTransport {
  readonly description: string;
  readonly keyboard: Keyboard;
  screen: ScreenText | undefined;
  private typing: Promise<void> = Promise.resolve();
  private readonly stream: ScreenFeed;
  readonly echo: EchoWindow;
  private readTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout;

  private constructor(
    readonly client: RfbClient,
    private readonly reader: ScreenReader,
    description: string,
    private readonly opts: VncTransportOptions,
  ) {
    super();
    this.description = description;
    this.keyboard = new Keyboard(client, { ...DEFAULT_KEYBOARD, ...opts.keyboard });
    this.stream = new ScreenFeed(opts.cursorlessMs ?? CURSORLESS_MS);
    this.echo = new EchoWindow(opts.echoBudget ?? 12, 250);
    this.keyboard.flow = this.echo;
    client.onUpdate(() => this.scheduleRead());
    client.onClose((reason) => this.emitClose(reason));
    // openQA's rule: a screen silent for 2 s gets a forced refresh (and a reconnect if that fails).
    this.stallTimer = setInterval(() => {
      if (Date.now() - client.lastUpdateAt > 2000 && !client.closed) {
        client.refresh().catch((err: Error) => this.emitClose(`VNC connection lost: ${err.message}`));
      }
    }, 2000);
    this.stallTimer.unref();
    this.readNow();
  }

  static async open(endpoint: VncWebsocketEndpoint, opts: VncTransportOptions = {}): Promise<VncTransport> {
    const [client, tables] = await Promise.all([
      RfbClient.connect({ url: endpoint.url, password: endpoint.password, headers: endpoint.headers }),
      loadGlyphTables(),
    ]);
    try {
      await client.whenPainted(15_000);
    } catch (err) {
      client.close();
      throw err;
    }
    const url = new URL(endpoint.url);
    url.search = url.search ? '?…' : '';
    const transport = new VncTransport(client, new ScreenReader(tables), `vnc ${url.toString()}`, opts);
    await transport.settled(opts.cursorlessMs ?? CURSORLESS_MS);
    return transport;
  }

  /**
   * Resolves once the stream holds nothing back (the cursor was seen or is known to be absent), so
   * the screen as it was at connect time is in the stream before anyone types.
   */
  private async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs + HELD_REREAD_MS;
    while (this.stream.pending && Date.now() < deadline && !this.closed) {
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  write(data: Uint8Array | string): void {
    const text = toBuffer(data).toString('utf8');
    this.enqueue(text, true);
  }

  private enqueue(text: string, paced: boolean): void {
    this.typing = this.typing
      .then(() => this.keyboard.type(text, { paced }))
      .catch((err: Error) => this.emitClose(`typing failed: ${err.message}`));
  }

  /** Times output scrolled off the screen before it could be read (marked in the stream). */
  get lostOutput(): number {
    return this.stream.losses;
  }

  /** Resolves when everything written so far has been typed. */
  drain(): Promise<void> {
    return this.typing;
  }

  async close(): Promise<void> {
    clearInterval(this.stallTimer);
    clearTimeout(this.readTimer);
    this.client.close();
    this.emitClose('closed by us');
  }

  private scheduleRead(): void {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.readNow();
    }, this.opts.readIntervalMs ?? 15);
  }

  private readNow(): void {
    const screen = this.reader.read(this.client.fb);
    this.screen = screen;
    const out = this.stream.read(screen);
    if (out) {
      this.echo.echoed(shownChars(out));
      this.emitData(Buffer.from(out, 'utf8'));
    }
    // A held row needs reads even when the server sends nothing new.
    if (this.stream.pending && !this.closed) {
      clearTimeout(this.readTimer);
      this.readTimer = setTimeout(() => {
        this.readTimer = undefined;
        this.readNow();
      }, HELD_REREAD_MS);
    }
  }
}

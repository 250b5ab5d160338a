import type { VncWebsocketEndpoint } from '../endpoint.js';
import { BaseTransport, toBuffer } from '../transport/types.js';
import { loadGlyphTables } from './font-tables.js';
import { DEFAULT_KEYBOARD, Keyboard, type KeyboardSettings } from './keyboard.js';
import { RfbClient } from './rfb-client.js';
import { ScreenReader, type ScreenText } from './screen-reader.js';
import { ScreenStream } from './screen-stream.js';

export interface VncTransportOptions {
  keyboard?: Partial<KeyboardSettings>;
  /** Read the screen at most this often (ms). */
  readIntervalMs?: number;
}

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
  private readonly stream = new ScreenStream();
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
    const url = new URL(endpoint.url);
    url.search = url.search ? '?…' : '';
    return new VncTransport(client, new ScreenReader(tables), `vnc ${url.toString()}`, opts);
  }

  write(data: Uint8Array | string): void {
    const text = toBuffer(data).toString('utf8');
    this.typing = this.typing
      .then(() => this.keyboard.type(text))
      .catch((err: Error) => this.emitClose(`typing failed: ${err.message}`));
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
    }, this.opts.readIntervalMs ?? 30);
  }

  private readNow(): void {
    this.screen = this.reader.read(this.client.fb);
    const out = this.stream.next(this.screen.lines);
    if (out) this.emitData(Buffer.from(out, 'utf8'));
  }
}

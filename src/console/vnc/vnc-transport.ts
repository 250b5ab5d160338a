import { describeEndpoint, type VncWebsocketEndpoint } from '../endpoint.js';
import { RescueError } from '../../errors/rescue-error.js';
import { BaseTransport, toBuffer, type ScreenSnapshot } from '../transport/types.js';
import { loadGlyphTables } from './font-tables.js';
import { EchoWindow, shownChars } from './echo-window.js';
import { learnGlyphs, type GlyphLearning } from './glyph-learn.js';
import { ECHOING_PROMPT, layoutFromEcho, LOGIN_LINE, PROBE_TEXT, type LayoutProbe } from './layout-probe.js';
import { LAYOUT_SAFE } from './layouts.js';
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
  /**
   * Find the guest's layout at connect time by typing (and erasing) a probe at the prompt on the
   * screen (default true; the keyboard's `guest` setting is kept when the probe is inconclusive).
   */
  detectLayout?: boolean;
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
  /** What the layout probe at connect time saw (undefined: not probed). */
  probe: LayoutProbe | undefined;
  /** Stream text since a probe or echo check started listening. */
  private listening: string | undefined;
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
    const where = describeEndpoint(endpoint);
    // A refused websocket, a wrong VNC password or a screen that never comes is one known error,
    // so a caller can give this way in up and try the next one.
    const refused = (err: unknown) =>
      err instanceof RescueError
        ? err
        : new RescueError('console.connect', { endpoint: where, reason: safeReason(err) }, { cause: err });
    const [client, tables] = await Promise.all([
      RfbClient.connect({
        url: endpoint.url,
        password: endpoint.password,
        headers: endpoint.headers,
        insecureTls: endpoint.insecureTls,
      }).catch((err: unknown) => Promise.reject(refused(err))),
      loadGlyphTables(),
    ]);
    try {
      await client.whenPainted(15_000);
    } catch (err) {
      client.close();
      throw refused(err);
    }
    const transport = new VncTransport(client, new ScreenReader(tables), `vnc ${where}`, opts);
    await transport.settled(opts.cursorlessMs ?? CURSORLESS_MS);
    if (opts.detectLayout !== false) {
      try {
        await transport.detectLayout();
      } catch (err) {
        await transport.close();
        throw err;
      }
    }
    return transport;
  }

  /** The screen's last non-blank line (where the cursor waits at a prompt). */
  private lastLine(): string {
    const lines = this.screen?.lines ?? [];
    for (let r = lines.length - 1; r >= 0; r--) if (lines[r]!.trim() !== '') return lines[r]!.trimEnd();
    return '';
  }

  /**
   * Types the probe at an echoing prompt, reads what it printed, erases it, and sets the keyboard to
   * the layout it revealed. Nothing is submitted: the prompt is as it was.
   */
  async detectLayout(): Promise<LayoutProbe | undefined> {
    if (!ECHOING_PROMPT.test(this.lastLine())) return undefined;
    const guest = this.keyboard.settings.guest;
    this.keyboard.settings = { ...this.keyboard.settings, guest: 'us' };
    let echo: string;
    try {
      echo = await this.typeAndRead(PROBE_TEXT, PROBE_TEXT.length, 2000);
    } finally {
      this.keyboard.settings = { ...this.keyboard.settings, guest };
    }
    await this.erase(echo.length || PROBE_TEXT.length);
    if (
      this.client.extendedKeys &&
      !this.keyboard.settings.plainKeysOnly &&
      !(await this.scancodesHonored())
    ) {
      // QEMU started with -k takes the keysym and ignores the scancode: keys its keymap lacks
      // (JIS Yen, Ro) cannot be typed, and the keyboard must say so instead of typing another key.
      this.keyboard.settings = { ...this.keyboard.settings, plainKeysOnly: true };
    }
    const keysymsOnly = !this.client.extendedKeys || this.keyboard.settings.plainKeysOnly === true;
    const probe = layoutFromEcho(echo, keysymsOnly);
    this.probe = probe;
    if (probe.layout) {
      this.keyboard.settings = {
        ...this.keyboard.settings,
        guest: probe.layout,
        ...(probe.serverKeymap ? { server: probe.serverKeymap } : {}),
      };
    }
    return probe;
  }

  /**
   * The Q key sent with the keysym of W: a server that honours the scancode prints q, one that maps
   * keysyms through its own keymap (QEMU -k) prints w. Read off the prompt line itself, not the
   * stream (the probe's erasing may still be arriving there). In doubt the answer is no: keysyms
   * alone are right on both kinds of server.
   */
  private async scancodesHonored(): Promise<boolean> {
    const before = this.lastLine();
    this.client.key(true, 0x77, 0x10);
    this.client.key(false, 0x77, 0x10);
    const deadline = Date.now() + 3000;
    let typed = '';
    while (Date.now() < deadline && !this.closed) {
      await new Promise((r) => setTimeout(r, 30));
      const line = this.lastLine();
      if (line.length > before.length && line.startsWith(before)) {
        typed = line.slice(before.length).trim();
        break;
      }
    }
    await this.erase(Math.max(1, typed.length));
    return typed === 'q';
  }

  /** Types `text` (no Enter) and returns what the stream showed until `chars` characters came. */
  private async typeAndRead(text: string, chars: number, timeoutMs: number): Promise<string> {
    this.listening = '';
    try {
      await this.keyboard.type(text);
      const deadline = Date.now() + timeoutMs;
      while (shownChars(this.listening) < chars && Date.now() < deadline && !this.closed) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // A doubled key shows up a moment later: give it one more read.
      await new Promise((r) => setTimeout(r, 60));
      return this.listening.replace(/[\r\n]/g, '');
    } finally {
      this.listening = undefined;
    }
  }

  private async erase(count: number): Promise<void> {
    await this.keyboard.type('\x7f'.repeat(count), { paced: false });
    await new Promise((r) => setTimeout(r, 100));
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
    const name = /^([^\r\n]+)\r$/.exec(text)?.[1];
    if (
      name !== undefined &&
      LOGIN_LINE.test(this.lastLine()) &&
      [...name].every((c) => LAYOUT_SAFE.has(c))
    ) {
      this.typing = this.typing
        .then(() => this.typeUserName(name))
        .catch((err: Error) => this.emitClose(`typing failed: ${err.message}`));
      return;
    }
    this.enqueue(text, true);
  }

  /**
   * At getty's prompt: the user name is typed, its echo checked on the screen, and only then Enter
   * pressed; a wrong echo (lost or doubled key) is erased and typed once more.
   */
  private async typeUserName(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const echo = await this.typeAndRead(name, name.length, 3000);
      if (echo.trim() === name || attempt >= 2) break;
      await this.erase(Math.max(echo.length, name.length));
    }
    await this.keyboard.type('\r');
  }

  private enqueue(text: string, paced: boolean): void {
    this.typing = this.typing
      .then(() => this.keyboard.type(text, { paced }))
      .catch((err: Error) => this.emitClose(`typing failed: ${err.message}`));
  }

  /**
   * Self-calibration: with the output of GLYPH_PROBE_COMMAND on the screen (run it after login),
   * learn the glyphs this console draws for printable ASCII.
   */
  learnGlyphs(): GlyphLearning | undefined {
    return learnGlyphs(this.client.fb, this.reader);
  }

  /** Only the screen is visible: the command runner pages long output (vnc/screen-pages.ts). */
  get screenRows(): number {
    return this.screen?.rows ?? 25;
  }

  /** The screen read now (not the last scheduled read: a page is taken from what is there). */
  readScreen(): ScreenSnapshot {
    const screen = this.reader.read(this.client.fb);
    return { rows: screen.rows, cols: screen.cols, lines: screen.lines };
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
      if (this.listening !== undefined) this.listening += out;
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

/** An error's message without URLs (tokens ride in them). */
function safeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\b(wss?|https?|vnc):\/\/\S+/g, '<url>');
}

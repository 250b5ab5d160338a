import { ByteReader } from './byte-reader.js';
import { vncAuthResponse } from './des.js';
import { Framebuffer } from './framebuffer.js';
import { openWire, type RfbWire } from './rfb-wire.js';
import {
  ENCODING,
  PIXEL_FORMAT_32,
  SECURITY,
  decodePixelFormat,
  setEncodings,
  setPixelFormat,
  updateRequest,
} from './rfb-messages.js';

export interface RfbTarget {
  url: string;
  /** secret */
  password?: string;
  headers?: Record<string, string>;
  /** wss:// only: accept a certificate no CA vouches for (the user asked for it). */
  insecureTls?: boolean;
  connectTimeoutMs?: number;
}

export interface UpdateEvent {
  /** Changed rectangles (pixel data already in the framebuffer). */
  rects: Array<{ x: number; y: number; w: number; h: number }>;
  resized: boolean;
  /** Pixels delivered as Raw data (pseudo-rectangles carry none). */
  rawArea: number;
}

export interface ConnectionEvents {
  onUpdate(event: UpdateEvent): void;
  onLeds(leds: number): void;
  onExtendedKeys(): void;
  onClose(reason: string): void;
  onBytes(n: number): void;
}

export class RfbProtocolError extends Error {}

/**
 * One websocket connection speaking RFB 3.8 (3.3/3.7 servers accepted): handshake, security None or
 * VNC auth, 32-bpp pixel format, then a loop that applies server messages to the framebuffer.
 */
export class RfbConnection {
  readonly reader = new ByteReader();
  name = '';
  version = '';
  private closed = false;

  private constructor(
    private readonly ws: RfbWire,
    readonly fb: Framebuffer,
    private readonly events: ConnectionEvents,
  ) {}

  static async open(target: RfbTarget, fb: Framebuffer | undefined, events: ConnectionEvents) {
    // A wire reports only asynchronously, so the connection is in place before the first event.
    const to: { conn?: RfbConnection } = {};
    const ws = openWire(target, {
      onData: (buf) => {
        events.onBytes(buf.length);
        to.conn?.reader.push(buf);
      },
      onEnd: (reason) => to.conn?.ended(reason),
    });
    const conn = new RfbConnection(ws, fb ?? new Framebuffer(0, 0), events);
    to.conn = conn;
    const timer = setTimeout(
      () => conn.reader.fail(new RfbProtocolError('RFB handshake timed out')),
      target.connectTimeoutMs ?? 15_000,
    );
    try {
      await conn.handshake(target.password);
    } catch (err) {
      ws.terminate();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    void conn.loop();
    return conn;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: Buffer): void {
    if (!this.closed) this.ws.send(data);
  }

  requestUpdate(incremental: boolean, area?: { x: number; y: number; w: number; h: number }): void {
    const a = area ?? { x: 0, y: 0, w: this.fb.width, h: this.fb.height };
    this.send(updateRequest(incremental, a.x, a.y, a.w, a.h));
  }

  close(): void {
    if (this.closed) return;
    this.ws.close();
    setTimeout(() => this.ws.terminate(), 1000).unref();
    this.ended('closed by us');
  }

  private ended(reason: string): void {
    this.reader.fail(new RfbProtocolError(reason));
    if (this.closed) return;
    this.closed = true;
    this.events.onClose(reason);
  }

  private async handshake(password: string | undefined): Promise<void> {
    const r = this.reader;
    const banner = (await r.read(12)).toString('latin1');
    const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(banner);
    if (!m) throw new RfbProtocolError(`not an RFB server (banner ${JSON.stringify(banner)})`);
    const minor = Number(m[1]) > 3 ? 8 : Math.min(Number(m[2]), 8);
    this.version = `3.${minor >= 8 ? 8 : minor >= 7 ? 7 : 3}`;
    this.ws.send(Buffer.from(`RFB 003.00${minor >= 8 ? 8 : minor >= 7 ? 7 : 3}\n`, 'latin1'));
    let type: number;
    if (this.version === '3.3') {
      type = await r.u32();
      if (type === SECURITY.invalid) throw new RfbProtocolError(await this.reason());
    } else {
      const n = await r.u8();
      if (n === 0) throw new RfbProtocolError(await this.reason());
      const offered = [...(await r.read(n))];
      if (offered.includes(SECURITY.none)) type = SECURITY.none;
      else if (offered.includes(SECURITY.vncAuth)) type = SECURITY.vncAuth;
      else throw new RfbProtocolError(`no supported security type (offered ${offered.join(',')})`);
      this.ws.send(Buffer.from([type]));
    }
    if (type === SECURITY.vncAuth) {
      if (password === undefined) throw new RfbProtocolError('the VNC server asks for a password');
      this.ws.send(vncAuthResponse(await r.read(16), password));
    }
    if (type === SECURITY.vncAuth || this.version === '3.8') {
      const result = await r.u32();
      if (result !== 0) {
        const why = this.version === '3.8' ? await this.reason() : 'authentication failed';
        throw new RfbProtocolError(`VNC authentication failed: ${why}`);
      }
    }
    this.ws.send(Buffer.from([1])); // shared: never kick a support engineer's browser session off
    const w = await r.u16();
    const h = await r.u16();
    decodePixelFormat(await r.read(16));
    this.name = (await r.read(await r.u32())).toString('utf8');
    if (this.fb.width !== w || this.fb.height !== h) this.fb.resize(w, h);
    this.send(setPixelFormat(PIXEL_FORMAT_32));
    this.send(
      setEncodings([ENCODING.raw, ENCODING.desktopSize, ENCODING.qemuExtendedKeyEvent, ENCODING.ledState]),
    );
    this.requestUpdate(false);
  }

  private async reason(): Promise<string> {
    return (await this.reader.read(await this.reader.u32())).toString('utf8');
  }

  private async loop(): Promise<void> {
    const r = this.reader;
    try {
      for (;;) {
        const type = await r.u8();
        if (type === 0) await this.update();
        else if (type === 1) {
          await r.read(3);
          await r.read((await r.u16()) * 6);
        } else if (type === 2) {
          /* bell */
        } else if (type === 3) {
          await r.read(3);
          await r.read(await r.u32());
        } else throw new RfbProtocolError(`unknown server message type ${type}`);
      }
    } catch (err) {
      this.ws.terminate();
      this.ended((err as Error).message);
    }
  }

  private async update(): Promise<void> {
    const r = this.reader;
    await r.read(1);
    const n = await r.u16();
    const event: UpdateEvent = { rects: [], resized: false, rawArea: 0 };
    for (let i = 0; i < n; i++) {
      const head = await r.read(12);
      const x = head.readUInt16BE(0);
      const y = head.readUInt16BE(2);
      const w = head.readUInt16BE(4);
      const h = head.readUInt16BE(6);
      const enc = head.readInt32BE(8);
      if (enc === ENCODING.raw) {
        if (x + w > this.fb.width || y + h > this.fb.height)
          throw new RfbProtocolError('rectangle off screen');
        this.fb.putRaw(x, y, w, h, await r.read(w * h * 4));
        event.rects.push({ x, y, w, h });
        event.rawArea += w * h;
      } else if (enc === ENCODING.desktopSize) {
        this.fb.resize(w, h);
        event.resized = true;
        event.rects.push({ x: 0, y: 0, w, h });
      } else if (enc === ENCODING.qemuExtendedKeyEvent) {
        this.events.onExtendedKeys();
      } else if (enc === ENCODING.ledState) {
        this.events.onLeds(await r.u8());
      } else throw new RfbProtocolError(`server used encoding ${enc}, which we did not ask for`);
    }
    // Ask for the next change at once: QEMU answers an incremental request only when something changed.
    this.requestUpdate(!event.resized);
    this.events.onUpdate(event);
  }
}

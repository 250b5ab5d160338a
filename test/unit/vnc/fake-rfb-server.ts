import { createServer, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { vncAuthResponse } from '../../../src/console/vnc/des.js';

export interface FakeRfbOptions {
  width?: number;
  height?: number;
  /** Require VNC auth with this password. */
  password?: string;
  /** Stop answering update requests after the handshake (a stalled server). */
  stallAfterHandshake?: boolean;
}

/** Records what a client sent and lets a test push screen updates: just enough RFB 3.8 server. */
export class FakeRfbServer {
  readonly keys: Array<{ down: boolean; keysym: number; scancode?: number }> = [];
  readonly requests: Array<{ incremental: boolean }> = [];
  encodings: number[] = [];
  connections = 0;
  authFailures = 0;
  private sockets = new Set<WebSocket>();
  private tcp?: Server;
  private constructor(
    private readonly wss: WebSocketServer,
    readonly opts: FakeRfbOptions,
  ) {}

  /** The same server on plain TCP as well (RFB without websocket framing, as Sakura Cloud's VNC proxy). */
  async listenTcp(): Promise<string> {
    this.tcp = createServer((socket) => this.serve(socketAsWebSocket(socket)));
    await new Promise<void>((r) => this.tcp!.listen(0, '127.0.0.1', () => r()));
    const addr = this.tcp.address();
    return `vnc://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  static async start(opts: FakeRfbOptions = {}): Promise<FakeRfbServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const server = new FakeRfbServer(wss, opts);
    wss.on('connection', (ws) => server.serve(ws));
    return server;
  }

  get url(): string {
    const addr = this.wss.address();
    return `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  /** A Raw rectangle filled with one colour, sent to every client. */
  fill(x: number, y: number, w: number, h: number, colour: number): void {
    const msg = Buffer.alloc(4 + 12 + w * h * 4);
    msg.writeUInt16BE(1, 2);
    msg.writeUInt16BE(x, 4);
    msg.writeUInt16BE(y, 6);
    msg.writeUInt16BE(w, 8);
    msg.writeUInt16BE(h, 10);
    msg.writeInt32BE(0, 12);
    for (let i = 0; i < w * h; i++) msg.writeUInt32LE(colour, 16 + i * 4);
    for (const ws of this.sockets) ws.send(msg);
  }

  /** Pseudo-rectangles: DesktopSize, LED state. */
  resize(w: number, h: number): void {
    this.pseudo(-223, w, h);
  }
  leds(state: number): void {
    this.pseudo(-261, 0, 0, Buffer.from([state]));
  }

  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.wss.close(() => r()));
    if (this.tcp) await new Promise<void>((r) => this.tcp!.close(() => r()));
  }

  private pseudo(enc: number, w: number, h: number, payload = Buffer.alloc(0)): void {
    const msg = Buffer.alloc(16);
    msg.writeUInt16BE(1, 2);
    msg.writeUInt16BE(w, 8);
    msg.writeUInt16BE(h, 10);
    msg.writeInt32BE(enc, 12);
    for (const ws of this.sockets) ws.send(Buffer.concat([msg, payload]));
  }

  private serve(ws: WebSocket): void {
    this.connections++;
    const stalled = this.opts.stallAfterHandshake && this.connections === 1;
    let buf = Buffer.alloc(0);
    let stage: 'version' | 'security' | 'auth' | 'init' | 'normal' = 'version';
    const challenge = Buffer.from('0123456789abcdef', 'latin1');
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(Buffer.from('RFB 003.008\n'));
    ws.on('message', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      for (;;) {
        if (stage === 'version') {
          if (buf.length < 12) return;
          buf = buf.subarray(12);
          stage = 'security';
          ws.send(Buffer.from(this.opts.password !== undefined ? [1, 2] : [1, 1]));
        } else if (stage === 'security') {
          if (buf.length < 1) return;
          const type = buf[0]!;
          buf = buf.subarray(1);
          if (type === 2) {
            stage = 'auth';
            ws.send(challenge);
          } else {
            stage = 'init';
            ws.send(Buffer.from([0, 0, 0, 0]));
          }
        } else if (stage === 'auth') {
          if (buf.length < 16) return;
          const ok = vncAuthResponse(challenge, this.opts.password ?? '').equals(buf.subarray(0, 16));
          buf = buf.subarray(16);
          if (!ok) {
            this.authFailures++;
            const reason = Buffer.from('Authentication failed');
            const head = Buffer.alloc(8);
            head.writeUInt32BE(1, 0);
            head.writeUInt32BE(reason.length, 4);
            ws.send(Buffer.concat([head, reason]));
            ws.close();
            return;
          }
          stage = 'init';
          ws.send(Buffer.from([0, 0, 0, 0]));
        } else if (stage === 'init') {
          if (buf.length < 1) return;
          buf = buf.subarray(1);
          const name = Buffer.from('fake');
          const init = Buffer.alloc(24);
          init.writeUInt16BE(this.opts.width ?? 16, 0);
          init.writeUInt16BE(this.opts.height ?? 8, 2);
          init.writeUInt8(32, 4);
          init.writeUInt32BE(name.length, 20);
          ws.send(Buffer.concat([init, name]));
          stage = 'normal';
        } else {
          const len = this.messageLength(buf);
          if (len === undefined || buf.length < len) return;
          const msg = buf.subarray(0, len);
          buf = buf.subarray(len);
          this.handle(ws, msg, stalled);
        }
      }
    });
  }

  private messageLength(b: Buffer): number | undefined {
    if (b.length < 1) return undefined;
    switch (b[0]) {
      case 0:
        return 20;
      case 2:
        return b.length < 4 ? undefined : 4 + 4 * b.readUInt16BE(2);
      case 3:
        return 10;
      case 4:
        return 8;
      case 255:
        return 12;
      default:
        throw new Error(`fake server: unexpected message ${b[0]}`);
    }
  }

  private handle(ws: WebSocket, m: Buffer, stalled: boolean | undefined): void {
    if (m[0] === 2) {
      this.encodings = Array.from({ length: m.readUInt16BE(2) }, (_, i) => m.readInt32BE(4 + 4 * i));
      if (this.encodings.includes(-258) && !stalled) this.pseudo(-258, 0, 0);
    } else if (m[0] === 3) {
      this.requests.push({ incremental: m[1] === 1 });
      if (m[1] === 0 && !stalled) this.fill(0, 0, 1, 1, 0);
    } else if (m[0] === 4) {
      this.keys.push({ down: m[1] === 1, keysym: m.readUInt32BE(4) });
    } else if (m[0] === 255) {
      this.keys.push({
        down: m.readUInt16BE(2) === 1,
        keysym: m.readUInt32BE(4),
        scancode: m.readUInt32BE(8),
      });
    }
    void ws;
  }
}

/** Just the part of a websocket the fake server uses, over a TCP socket. */
function socketAsWebSocket(socket: Socket): WebSocket {
  const ws = {
    send: (data: Buffer) => socket.write(data),
    close: () => socket.end(),
    terminate: () => socket.destroy(),
    on: (event: string, listener: (data: Buffer) => void) => {
      socket.on(event === 'message' ? 'data' : event, listener);
      return ws;
    },
  };
  return ws as unknown as WebSocket;
}

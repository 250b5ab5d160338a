import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { backendStream, LOOPBACK, splice, type ConsoleBackend } from './backend.js';
import { closeServer } from './nova-ws.js';

export interface TermproxyGateway {
  /** wss-less loopback URL as the vncwebsocket endpoint: ws://127.0.0.1:<port>/…/vncwebsocket?port=…&vncticket=… */
  url: string;
  user: string;
  ticket: string;
  /** Resize requests received, in order. */
  resizes: Array<{ cols: number; rows: number }>;
  /** Keepalive messages received. */
  pings: number;
  close(): Promise<void>;
}

export type TermproxyMessage =
  { type: 'data'; data: Buffer } | { type: 'resize'; cols: number; rows: number } | { type: 'ping' };

/**
 * Parses the client → termproxy message stream (`0:<len>:<data>`, `1:<cols>:<rows>:`, `2`), which may
 * be split or joined arbitrarily across websocket frames. Returns complete messages and keeps the rest.
 */
export class TermproxyParser {
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): TermproxyMessage[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: TermproxyMessage[] = [];
    for (;;) {
      const type = this.buf[0];
      if (type === undefined) return out;
      if (type === 0x32) {
        out.push({ type: 'ping' });
        this.buf = this.buf.subarray(1);
        continue;
      }
      if (type !== 0x30 && type !== 0x31) throw new Error(`bad termproxy message type ${type}`);
      const text = this.buf.subarray(0, 64).toString('latin1');
      if (type === 0x30) {
        const m = /^0:(\d+):/.exec(text);
        if (!m) {
          if (/^0(?::\d*)?$/.test(text)) return out; // header still arriving
          throw new Error('bad termproxy data header');
        }
        const len = Number(m[1]);
        const start = m[0].length;
        if (this.buf.length < start + len) return out;
        out.push({ type: 'data', data: Buffer.from(this.buf.subarray(start, start + len)) });
        this.buf = this.buf.subarray(start + len);
      } else {
        const m = /^1:(\d+):(\d+):/.exec(text);
        if (!m) {
          if (/^1(?::\d*(?::\d*)?)?$/.test(text)) return out;
          throw new Error('bad termproxy resize message');
        }
        out.push({ type: 'resize', cols: Number(m[1]), rows: Number(m[2]) });
        this.buf = this.buf.subarray(m[0].length);
      }
    }
  }
}

/**
 * A websocket console server with Proxmox termproxy semantics: the first message must be
 * `<user>:<ticket>\n` (within 10 s), answered `OK`; then raw terminal bytes to the client and framed
 * messages from it. Client frames may be text or binary, as pveproxy accepts both.
 */
export async function startTermproxyGateway(opts: {
  backend: ConsoleBackend;
  user?: string;
  ticket?: string;
  authTimeoutMs?: number;
}): Promise<TermproxyGateway> {
  const user = opts.user ?? 'root@pam';
  const ticket = opts.ticket ?? `PVEVNC:${randomBytes(12).toString('hex')}`;
  const wss = new WebSocketServer({
    host: LOOPBACK,
    port: 0,
    perMessageDeflate: false,
    // pveproxy echoes whatever subprotocol the client asked for.
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const path = `/api2/json/nodes/lab/qemu/100/vncwebsocket?port=5900&vncticket=${encodeURIComponent(ticket)}`;
  const gateway: TermproxyGateway = {
    url: `ws://${LOOPBACK}:${port}${path}`,
    user,
    ticket,
    resizes: [],
    pings: 0,
    close: () => closeServer(wss),
  };
  wss.on('connection', (ws: WebSocket) => {
    let authed = false;
    let pending = Buffer.alloc(0);
    const parser = new TermproxyParser();
    let link: ReturnType<typeof splice> | undefined;
    const timer = setTimeout(() => ws.close(1008, 'no ticket'), opts.authTimeoutMs ?? 10_000);
    ws.on('message', async (data: Buffer) => {
      if (!authed) {
        pending = Buffer.concat([pending, data]);
        const nl = pending.indexOf(0x0a);
        if (nl < 0) return;
        clearTimeout(timer);
        if (pending.subarray(0, nl).toString('utf8') !== `${user}:${ticket}`) {
          ws.close(1008, 'authentication failed');
          return;
        }
        authed = true;
        const rest = pending.subarray(nl + 1);
        ws.pause();
        try {
          const stream = await backendStream(opts.backend);
          link = splice(
            stream,
            typeof opts.backend !== 'function',
            (out) => ws.send(out, { binary: true }),
            () => ws.close(1000, 'console closed'),
          );
        } catch {
          ws.close(1011, 'console backend unavailable');
          return;
        }
        ws.send(Buffer.from('OK'), { binary: true });
        ws.resume();
        if (rest.length > 0) handle(rest);
        return;
      }
      handle(data);
    });
    const handle = (data: Buffer) => {
      let messages: TermproxyMessage[];
      try {
        messages = parser.push(data);
      } catch {
        ws.close(1002, 'protocol error');
        return;
      }
      for (const m of messages) {
        if (m.type === 'data') link?.write(m.data);
        else if (m.type === 'resize') gateway.resizes.push({ cols: m.cols, rows: m.rows });
        else gateway.pings++;
      }
    };
    ws.on('close', () => {
      clearTimeout(timer);
      link?.detach();
    });
    ws.on('error', () => link?.detach());
  });
  return gateway;
}

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { ByteReader } from '../../src/console/vnc/byte-reader.js';
import { vncAuthResponse } from '../../src/console/vnc/des.js';

/** A VNC server behind the simulator: plain RFB over TCP on loopback (a QEMU `-vnc 127.0.0.1:N`). */
export interface VncBackend {
  host: string;
  port: number;
  /** secret: what the backend asks for with VNC auth; none: it offers security type None. */
  password?: string;
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const HANDSHAKE_MS = 15_000;
const SECURITY_NONE = 1;
const SECURITY_VNC_AUTH = 2;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const reasonMessage = (text: string) => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);

class Refused extends Error {}

/** The backend side, as a VNC client: RFB 3.8, VNC auth with the backend's password or None. */
async function authenticateBackend(send: (b: Buffer) => void, r: ByteReader, password?: string) {
  const banner = (await r.read(12)).toString('latin1');
  if (!/^RFB 003\.00[78]\n$/.test(banner)) throw new Refused(`backend speaks ${JSON.stringify(banner)}`);
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const n = await r.u8();
  if (n === 0) throw new Refused('backend refused the connection');
  const offered = [...(await r.read(n))];
  const type =
    password !== undefined && offered.includes(SECURITY_VNC_AUTH)
      ? SECURITY_VNC_AUTH
      : offered.includes(SECURITY_NONE)
        ? SECURITY_NONE
        : undefined;
  if (type === undefined) throw new Refused(`backend offers security types ${offered.join(',')}`);
  send(Buffer.from([type]));
  if (type === SECURITY_VNC_AUTH) send(vncAuthResponse(await r.read(16), password!));
  if ((await r.u32()) !== 0) throw new Refused('backend refused the VNC password');
}

/**
 * The client side, as a VNC server: the product's client sees None (no password handed out, as with
 * Nova's noVNC) or VNC auth against the console's own password. Resolves whether the answer was right
 * (the result is sent once the backend is in too).
 */
async function challengeClient(
  send: (b: Buffer) => void,
  r: ByteReader,
  password: string | undefined,
): Promise<{ minor: number; type: number; passed: boolean }> {
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const m = /^RFB 003\.00([378])\n$/.exec((await r.read(12)).toString('latin1'));
  if (!m) throw new Refused('client speaks no RFB 3.3/3.7/3.8');
  const minor = Number(m[1]);
  const type = password === undefined ? SECURITY_NONE : SECURITY_VNC_AUTH;
  if (minor >= 7) {
    send(Buffer.from([1, type]));
    if ((await r.u8()) !== type) throw new Refused('client chose a security type not offered');
  } else send(u32(type));
  if (type === SECURITY_NONE) return { minor, type, passed: true };
  const challenge = randomBytes(16);
  send(challenge);
  const answer = await r.read(16);
  return { minor, type, passed: answer.equals(vncAuthResponse(challenge, password!)) };
}

/**
 * Accepts a console websocket and stands between it and the VNC backend as a security proxy (the
 * role nova-novncproxy's RFB security proxy plays): both handshakes are done here, so the password
 * the client answers is the console's own (Hetzner's `password`, Proxmox's ticket) and never the
 * backend's; after the security result the bytes are relayed as they are.
 */
export class VncProxy {
  private readonly wss = new WebSocketServer({
    noServer: true,
    // Like websockify and pveproxy: `binary` when offered (the product offers only that).
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  private readonly open = new Set<() => void>();

  serve(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    backend: VncBackend,
    clientPassword: string | undefined,
    onClose?: () => void,
  ): void {
    if (!LOOPBACK.test(backend.host)) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.session(ws, backend, clientPassword, onClose));
  }

  private session(
    ws: WebSocket,
    backend: VncBackend,
    clientPassword: string | undefined,
    onClose?: () => void,
  ): void {
    const upstream = net.connect({ host: backend.host, port: backend.port });
    upstream.setNoDelay(true);
    const fromClient = new ByteReader();
    const fromServer = new ByteReader();
    let piping = false;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      clearTimeout(timer);
      fromClient.fail(new Refused('client left'));
      fromServer.fail(new Refused('backend left'));
      upstream.destroy();
      ws.terminate();
      onClose?.();
    };
    this.open.add(close);
    const timer = setTimeout(close, HANDSHAKE_MS);
    const toClient = (b: Buffer) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(b);
    };
    ws.on('message', (data: Buffer) => (piping ? upstream.write(data) : fromClient.push(data)));
    upstream.on('data', (data: Buffer) => (piping ? toClient(data) : fromServer.push(data)));
    ws.on('close', close);
    ws.on('error', close);
    upstream.on('close', close);
    upstream.on('error', close);

    const client = challengeClient(toClient, fromClient, clientPassword);
    const server = authenticateBackend((b) => upstream.write(b), fromServer, backend.password);
    void Promise.allSettled([client, server]).then(async ([c, s]) => {
      if (closed) return;
      if (c.status === 'rejected') return close();
      const { minor, type, passed } = c.value;
      const refusal = !passed ? 'Authentication failed' : s.status === 'rejected' ? 'Bad Gateway' : undefined;
      if (refusal) {
        if (type === SECURITY_VNC_AUTH || minor === 8) {
          toClient(Buffer.concat([u32(1), minor === 8 ? reasonMessage(refusal) : Buffer.alloc(0)]));
        }
        setTimeout(close, 200);
        return;
      }
      if (type === SECURITY_VNC_AUTH || minor === 8) toClient(u32(0));
      // Bytes that came early (the client's ClientInit) go first; awaiting settled reads lets no I/O in between.
      const early = fromClient.buffered > 0 ? await fromClient.read(fromClient.buffered) : undefined;
      const late = fromServer.buffered > 0 ? await fromServer.read(fromServer.buffered) : undefined;
      piping = true;
      clearTimeout(timer);
      if (early) upstream.write(early);
      if (late) toClient(late);
    });
  }

  closeAll(): void {
    for (const close of [...this.open]) close();
    this.wss.close();
  }
}

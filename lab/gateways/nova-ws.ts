import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { backendStream, LOOPBACK, splice, type ConsoleBackend } from './backend.js';

export interface NovaGateway {
  /** ws://127.0.0.1:<port>/?token=<token>, as nova's remote-consoles API would return it. */
  url: string;
  token: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A websocket console server with nova-serialproxy (websockify ≥ 0.9) semantics: token in the query,
 * subprotocol `binary` chosen if offered (offering only others is refused), raw bytes in binary
 * frames both ways, a text frame from the client closes the connection with 1003.
 */
export async function startNovaGateway(opts: {
  backend: ConsoleBackend;
  token?: string;
}): Promise<NovaGateway> {
  const token = opts.token ?? randomBytes(16).toString('hex');
  const wss = new WebSocketServer({
    host: LOOPBACK,
    port: 0,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    verifyClient: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number) => void) => {
      const url = new URL(info.req.url ?? '/', 'http://gateway');
      const offered = info.req.headers['sec-websocket-protocol'];
      // websockify: protocols offered but none usable → "Invalid protocol selected".
      if (offered && !offered.split(',').some((p) => p.trim() === 'binary')) return cb(false, 400);
      cb(url.searchParams.get('token') === token, 401);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const gateway: NovaGateway = {
    url: `ws://${LOOPBACK}:${port}/?token=${token}`,
    token,
    port,
    connections: 0,
    close: () => closeServer(wss),
  };
  wss.on('connection', (ws: WebSocket) => {
    gateway.connections++;
    void attach(ws, opts.backend);
  });
  return gateway;
}

async function attach(ws: WebSocket, backend: ConsoleBackend): Promise<void> {
  const shared = typeof backend !== 'function';
  let stream;
  try {
    stream = await backendStream(backend);
  } catch {
    ws.close(1011, 'console backend unavailable');
    return;
  }
  const link = splice(
    stream,
    shared,
    (data) => ws.send(data, { binary: true }),
    () => ws.close(1000, 'console closed'),
  );
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      ws.close(1003, 'Text frames are not supported');
      return;
    }
    link.write(data);
  });
  ws.on('close', () => link.detach());
  ws.on('error', () => link.detach());
}

export function closeServer(wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  return new Promise<void>((resolve) => wss.close(() => resolve()));
}

import WebSocket from 'ws';
import { RescueError } from '../../errors/rescue-error.js';
import { describeEndpoint, type TermproxyEndpoint } from '../endpoint.js';
import { BaseTransport, toBuffer } from './types.js';
import { closeWs, rawToBuffer, waitOpen } from './nova-ws.js';

export const TERMPROXY_KEEPALIVE_MS = 30_000;

/** Client → termproxy frames: data `0:<byte length>:<bytes>`, resize `1:<cols>:<rows>:`, keepalive `2`. */
export function termproxyData(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`0:${data.length}:`), data]);
}
export function termproxyResize(cols: number, rows: number): Buffer {
  return Buffer.from(`1:${cols}:${rows}:`);
}
export const TERMPROXY_PING = Buffer.from('2');

/**
 * Proxmox termproxy over vncwebsocket: authenticate with `user:ticket\n`, wait for `OK`, then raw
 * terminal bytes from the server and framed messages to it.
 */
export class TermproxyTransport extends BaseTransport {
  readonly description: string;
  private keepalive: NodeJS.Timeout;

  private constructor(
    private readonly ws: WebSocket,
    endpoint: TermproxyEndpoint,
    keepaliveMs: number,
  ) {
    super();
    this.description = describeEndpoint(endpoint);
    ws.on('message', (data: WebSocket.RawData) => this.emitData(rawToBuffer(data)));
    ws.on('close', (code, reason) => this.emitClose(`websocket closed ${code} ${reason.toString()}`.trim()));
    ws.on('error', (err) => this.emitClose(err.message));
    this.keepalive = setInterval(() => this.send(TERMPROXY_PING), keepaliveMs);
    this.keepalive.unref();
  }

  static async open(
    endpoint: TermproxyEndpoint,
    opts: { timeoutMs?: number; keepaliveMs?: number } = {},
  ): Promise<TermproxyTransport> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const where = describeEndpoint(endpoint);
    const ws = new WebSocket(endpoint.url, ['binary'], {
      headers: endpoint.headers,
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      rejectUnauthorized: !endpoint.insecureTls,
    });
    await waitOpen(ws, where);
    const handoff = await authenticate(ws, endpoint, where, timeoutMs);
    const transport = new TermproxyTransport(ws, endpoint, opts.keepaliveMs ?? TERMPROXY_KEEPALIVE_MS);
    // Synchronously after the transport's own listener is attached, so no frame is lost or doubled:
    // what followed OK (in its frame and in frames that came before now) goes out first.
    for (const chunk of handoff()) transport.emitData(chunk);
    return transport;
  }

  write(data: Uint8Array | string): void {
    const bytes = toBuffer(data);
    if (bytes.length > 0) this.send(termproxyData(bytes));
  }

  override resize(cols: number, rows: number): void {
    this.send(termproxyResize(cols, rows));
  }

  async close(): Promise<void> {
    clearInterval(this.keepalive);
    this.emitClose('closed by us');
    await closeWs(this.ws);
  }

  private send(frame: Buffer): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, { binary: true });
  }
}

/**
 * Sends the ticket line and waits for `OK`. Resolves with a hand-off: called once the transport
 * listens, it stops the buffering here and returns everything that arrived after `OK` (termproxy
 * prints at once, often in the very next frame, before an awaiting caller could attach).
 */
function authenticate(
  ws: WebSocket,
  endpoint: TermproxyEndpoint,
  where: string,
  timeoutMs: number,
): Promise<() => Buffer[]> {
  return new Promise<() => Buffer[]>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const after: Buffer[] = [];
    const buffer = (data: WebSocket.RawData) => void after.push(rawToBuffer(data));
    const timer = setTimeout(() => done(new Error('no OK from termproxy')), timeoutMs);
    const done = (err?: Error, rest?: Buffer) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (err) {
        ws.terminate();
        reject(new RescueError('console.connect', { endpoint: where, reason: err.message }));
        return;
      }
      if (rest && rest.length > 0) after.push(rest);
      ws.on('message', buffer);
      resolve(() => {
        ws.off('message', buffer);
        return after;
      });
    };
    const onMessage = (data: WebSocket.RawData) => {
      got = Buffer.concat([got, rawToBuffer(data)]);
      if (got.length < 2) return;
      if (got.subarray(0, 2).toString('latin1') === 'OK') done(undefined, got.subarray(2));
      else done(new Error('termproxy refused the ticket'));
    };
    const onClose = () => done(new Error('termproxy closed the connection during authentication'));
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(Buffer.from(`${endpoint.user}:${endpoint.ticket}\n`), { binary: true });
  });
}

import WebSocket from 'ws';
import { RescueError } from '../../errors/rescue-error.js';
import { describeEndpoint, type NovaSerialEndpoint } from '../endpoint.js';
import { BaseTransport, toBuffer } from './types.js';

/**
 * OpenStack nova-serialproxy (and ConoHa's serial websocket): raw serial bytes in binary frames both
 * ways. websockify closes the connection on a text frame (1003), and rejects a client that offers
 * subprotocols without `binary`; so offer only `binary` and always send binary frames.
 */
export class NovaWsTransport extends BaseTransport {
  readonly description: string;

  private readonly binary: boolean;

  private constructor(
    private readonly ws: WebSocket,
    endpoint: NovaSerialEndpoint,
  ) {
    super();
    this.binary = endpoint.textFrames !== true;
    this.description = describeEndpoint(endpoint);
    ws.on('message', (data: WebSocket.RawData) => this.emitData(rawToBuffer(data)));
    ws.on('close', (code, reason) => this.emitClose(`websocket closed ${code} ${reason.toString()}`.trim()));
    ws.on('error', (err) => this.emitClose(err.message));
  }

  static async open(endpoint: NovaSerialEndpoint, timeoutMs = 15_000): Promise<NovaWsTransport> {
    const ws = new WebSocket(endpoint.url, endpoint.protocols ?? ['binary'], {
      headers: endpoint.headers,
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
    });
    // A gateway may speak the moment it opens (Azure's sends its first message at once): keep what
    // arrives before the transport exists, instead of dropping it.
    const early: Buffer[] = [];
    const keep = (data: WebSocket.RawData) => early.push(rawToBuffer(data));
    ws.on('message', keep);
    try {
      await waitOpen(ws, describeEndpoint(endpoint));
    } finally {
      ws.off('message', keep);
    }
    const transport = new NovaWsTransport(ws, endpoint);
    for (const chunk of early) transport.emitData(chunk);
    return transport;
  }

  write(data: Uint8Array | string): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN)
      this.ws.send(toBuffer(data), { binary: this.binary });
  }

  async close(): Promise<void> {
    this.emitClose('closed by us');
    await closeWs(this.ws);
  }
}

export function rawToBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function waitOpen(ws: WebSocket, endpoint: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      cleanup();
      // The error text may quote the URL with its token: say only what kind of failure it was.
      reject(new RescueError('console.connect', { endpoint, reason: safeReason(err) }, { cause: err }));
    };
    const onUnexpected = (_req: unknown, res: { statusCode?: number }) => {
      cleanup();
      ws.on('error', () => {}); // terminate() reports the aborted handshake once more
      ws.terminate();
      reject(new RescueError('console.connect', { endpoint, reason: `HTTP ${res.statusCode ?? '?'}` }));
    };
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      ws.off('error', onError);
      ws.off('open', onOpen);
      ws.off('unexpected-response', onUnexpected);
    };
    ws.on('error', onError);
    ws.on('open', onOpen);
    ws.on('unexpected-response', onUnexpected);
  });
}

function safeReason(err: Error & { code?: string }): string {
  if (err.code) return err.code;
  return err.message.replace(/\b(wss?|https?):\/\/\S+/g, '<url>');
}

export async function closeWs(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000);
  });
}

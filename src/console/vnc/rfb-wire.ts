import { connect } from 'node:net';
import WebSocket from 'ws';

/** How RFB bytes travel: websocket frames (noVNC-style proxies) or a plain TCP stream (Sakura Cloud). */
export interface RfbWire {
  send(data: Buffer): void;
  /** Orderly close. */
  close(): void;
  /** Cut at once. */
  terminate(): void;
}

export interface WireEvents {
  onData(data: Buffer): void;
  onEnd(reason: string): void;
}

export interface WireTarget {
  url: string;
  headers?: Record<string, string>;
  /** wss:// only: accept a certificate no CA vouches for (the user asked for it). */
  insecureTls?: boolean;
  connectTimeoutMs?: number;
}

/** `vnc://host:port` is plain RFB over TCP; ws:// and wss:// are RFB in binary websocket frames. */
export function openWire(target: WireTarget, events: WireEvents): RfbWire {
  return target.url.startsWith('vnc://') ? tcpWire(target, events) : websocketWire(target, events);
}

function websocketWire(target: WireTarget, events: WireEvents): RfbWire {
  const ws = new WebSocket(target.url, ['binary'], {
    headers: target.headers,
    handshakeTimeout: target.connectTimeoutMs ?? 15_000,
    rejectUnauthorized: !target.insecureTls,
  });
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    // websockify's base64 mode is long gone; a text frame here is a server bug, bytes are bytes.
    events.onData(isBinary ? data : Buffer.from(data));
  });
  ws.on('close', (code, reason) =>
    events.onEnd(`websocket closed (${code}${reason.length ? ` ${reason}` : ''})`),
  );
  ws.on('error', (err) => events.onEnd(`websocket error: ${err.message}`));
  return {
    send: (data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    },
    close: () => ws.close(),
    terminate: () => ws.terminate(),
  };
}

function tcpWire(target: WireTarget, events: WireEvents): RfbWire {
  const url = new URL(target.url);
  const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 5900) });
  socket.setNoDelay(true);
  socket.setTimeout(target.connectTimeoutMs ?? 15_000, () => {
    if (socket.connecting) socket.destroy(new Error('connection timed out'));
  });
  socket.once('connect', () => socket.setTimeout(0));
  socket.on('data', (data: Buffer) => events.onData(data));
  socket.on('close', () => events.onEnd('connection closed'));
  socket.on('error', (err) => events.onEnd(`connection error: ${err.message}`));
  return {
    send: (data) => {
      if (!socket.destroyed && !socket.connecting) socket.write(data);
      else if (socket.connecting) socket.once('connect', () => socket.write(data));
    },
    close: () => socket.end(),
    terminate: () => socket.destroy(),
  };
}

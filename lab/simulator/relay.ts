import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Console websockets arrive on a front port (nova-serialproxy's, pveproxy's API port), are checked
 * there, and are relayed byte for byte to the lab gateway behind, as the vendor's proxy would.
 */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function relayUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: {
    port: number;
    /** Request target sent upstream (default: as received). */
    path?: string;
    /** Headers the backend must not see (the API credentials). */
    dropHeaders?: RegExp;
    onClose?: () => void;
  },
): void {
  const upstream = net.connect({ host: '127.0.0.1', port: opts.port });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    upstream.destroy();
    socket.destroy();
    opts.onClose?.();
  };
  upstream.on('error', close);
  upstream.on('close', close);
  socket.on('error', close);
  socket.on('close', close);
  upstream.once('connect', () => {
    const lines = [`${req.method ?? 'GET'} ${opts.path ?? req.url ?? '/'} HTTP/1.1`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (opts.dropHeaders?.test(name)) continue;
      lines.push(`${name}: ${req.rawHeaders[i + 1]!}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
}

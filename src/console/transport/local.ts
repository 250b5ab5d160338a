import { openSync } from 'node:fs';
import { constants } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';
import type { Duplex } from 'node:stream';
import { RescueError } from '../../errors/rescue-error.js';
import { BaseTransport, toBuffer } from './types.js';

/**
 * Any Node Duplex as a console: a unix or TCP socket (libvirt/QEMU serial, the lab's console socket),
 * a pty device, or an in-process stream in tests.
 */
export class StreamTransport extends BaseTransport {
  constructor(
    private readonly stream: Duplex,
    readonly description: string,
    private readonly output: NodeJS.WritableStream = stream,
  ) {
    super();
    stream.on('data', (chunk: Buffer | string) => this.emitData(toBuffer(chunk)));
    stream.on('end', () => this.emitClose('remote end closed'));
    stream.on('close', () => this.emitClose('closed'));
    stream.on('error', (err: Error) => this.emitClose(err.message));
  }

  write(data: Uint8Array | string): void {
    if (!this.closed) this.output.write(toBuffer(data));
  }

  /** Flushes what was typed last (a passthrough's final keys) before the stream goes. */
  async close(): Promise<void> {
    this.emitClose('closed by us');
    if (this.stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500);
      this.output.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.stream.destroy();
  }
}

/** tcp:// must stay on loopback unless the caller explicitly allows otherwise. */
function checkLoopback(host: string, url: string): void {
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]' && host !== '::1') {
    throw new RescueError('console.connect', { endpoint: url, reason: 'tcp consoles must be on loopback' });
  }
}

export async function openLocal(url: string, timeoutMs = 10_000): Promise<StreamTransport> {
  if (url.startsWith('pty:')) return openPty(url.slice(4), url);
  let socket: net.Socket;
  if (url.startsWith('unix:')) {
    socket = net.connect({ path: url.slice(5) });
  } else if (url.startsWith('tcp://')) {
    const parsed = new URL(url);
    checkLoopback(parsed.hostname, url);
    socket = net.connect({ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) });
  } else {
    throw new RescueError('console.connect', { endpoint: url, reason: 'unknown local console URL' });
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RescueError('console.connect', { endpoint: url, reason: 'timed out' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new RescueError('console.connect', { endpoint: url, reason: err.message }, { cause: err }));
    });
  });
  socket.setNoDelay?.(true);
  return new StreamTransport(socket, url);
}

/** A pty slave (QEMU `-serial pty`): raw mode, or the local line discipline would echo and cook bytes. */
function openPty(path: string, url: string): StreamTransport {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  } catch (err) {
    throw new RescueError(
      'console.connect',
      { endpoint: url, reason: (err as Error).message },
      { cause: err },
    );
  }
  if (!tty.isatty(fd)) throw new RescueError('console.connect', { endpoint: url, reason: 'not a terminal' });
  const input = new tty.ReadStream(fd);
  input.setRawMode(true);
  const output = new tty.WriteStream(fd);
  return new StreamTransport(input, url, output);
}

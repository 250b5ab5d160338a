import { createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/** Strips ANSI/VT escape sequences so tests can match what a person would read. */
export function stripAnsi(text: string): string {
  return text.replace(
    /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g,
    '',
  );
}

/**
 * The host side of a lab server's console: raw bytes from the container's /dev/console, a way to type,
 * and a unix-socket relay so several clients (tests, the product, console gateways) can attach and
 * detach without disturbing the console — as with a provider's console proxy.
 */
export class ConsoleStream {
  private chunks: Buffer[] = [];
  private size = 0;
  private listeners = new Set<(data: Buffer) => void>();
  private relay?: Server;
  private clients = new Set<Socket>();

  constructor(private readonly writer: (data: Buffer) => void) {}

  /** Called by the server process pipe with every byte the console prints. */
  push(data: Buffer): void {
    this.chunks.push(data);
    this.size += data.length;
    for (const listener of this.listeners) listener(data);
    for (const client of this.clients) client.write(data);
  }

  write(data: string | Buffer): void {
    this.writer(Buffer.isBuffer(data) ? data : Buffer.from(data));
  }

  onData(listener: (data: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bytes seen so far. */
  get length(): number {
    return this.size;
  }

  raw(since = 0): Buffer {
    // Merge once and keep the merged buffer, so repeated waits stay linear in the output size.
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return (this.chunks[0] ?? Buffer.alloc(0)).subarray(since);
  }

  /** Console output since byte offset `since`, ANSI escapes removed, CRs dropped. */
  text(since = 0): string {
    return stripAnsi(this.raw(since).toString('utf8')).replace(/\r/g, '');
  }

  /** Resolves when `pattern` appears in the output after byte offset `since`. */
  waitFor(pattern: RegExp, timeoutMs: number, since = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.text(since).match(pattern);
        if (!match) return false;
        cleanup();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const tail = this.text(since).slice(-400);
        reject(new Error(`console did not show ${pattern} within ${timeoutMs} ms; last output:\n${tail}`));
      }, timeoutMs);
      const off = this.onData(() => void check());
      const cleanup = () => {
        clearTimeout(timer);
        off();
      };
      check();
    });
  }

  async serve(socketPath: string): Promise<void> {
    await rm(socketPath, { force: true });
    this.relay = createServer((socket) => {
      this.clients.add(socket);
      socket.on('data', (data: Buffer) => this.write(data));
      socket.on('close', () => this.clients.delete(socket));
      socket.on('error', () => this.clients.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.relay!.once('error', reject);
      this.relay!.listen(socketPath, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.clients.clear();
    this.listeners.clear();
    const relay = this.relay;
    if (relay) await new Promise<void>((resolve) => relay.close(() => resolve()));
  }
}

/**
 * Turns websocket messages into an awaitable byte stream: RFB messages are not aligned with frames,
 * so the parser asks for exactly n bytes and waits until they have arrived.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private available = 0;
  private pending: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  push(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.available += data.length;
    this.serve();
  }

  fail(error: Error): void {
    this.failure ??= error;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(error);
  }

  get buffered(): number {
    return this.available;
  }

  read(n: number): Promise<Buffer> {
    if (this.pending) return Promise.reject(new Error('ByteReader: one read at a time'));
    if (this.available >= n) return Promise.resolve(this.take(n));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { n, resolve, reject };
    });
  }

  async u8(): Promise<number> {
    return (await this.read(1)).readUInt8(0);
  }
  async u16(): Promise<number> {
    return (await this.read(2)).readUInt16BE(0);
  }
  async u32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  private serve(): void {
    const p = this.pending;
    if (!p || this.available < p.n) return;
    this.pending = undefined;
    p.resolve(this.take(p.n));
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.available = rest.length;
    return out;
  }
}

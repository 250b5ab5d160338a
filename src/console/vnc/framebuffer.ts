/** The remote screen as 0x00RRGGBB pixels, row-major. */
export class Framebuffer {
  pixels: Uint32Array;

  constructor(
    public width: number,
    public height: number,
  ) {
    this.pixels = new Uint32Array(width * height);
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.pixels = new Uint32Array(width * height);
  }

  /** Copies a Raw rectangle (32 bpp little-endian, as we asked the server for). */
  putRaw(x: number, y: number, w: number, h: number, data: Buffer): void {
    const { width, pixels } = this;
    for (let row = 0; row < h; row++) {
      const dst = (y + row) * width + x;
      const src = row * w * 4;
      for (let col = 0; col < w; col++) pixels[dst + col] = data.readUInt32LE(src + col * 4) & 0xffffff;
    }
  }

  get(x: number, y: number): number {
    return this.pixels[y * this.width + x] ?? 0;
  }

  clone(): Framebuffer {
    const copy = new Framebuffer(this.width, this.height);
    copy.pixels.set(this.pixels);
    return copy;
  }

  /** Compact serialisation for test fixtures: "VFB1", u16 w, u16 h, then pixels (u32 LE). */
  toBuffer(): Buffer {
    const head = Buffer.alloc(8);
    head.write('VFB1', 0, 'latin1');
    head.writeUInt16LE(this.width, 4);
    head.writeUInt16LE(this.height, 6);
    return Buffer.concat([
      head,
      Buffer.from(this.pixels.buffer, this.pixels.byteOffset, this.pixels.byteLength),
    ]);
  }

  static fromBuffer(b: Buffer): Framebuffer {
    if (b.toString('latin1', 0, 4) !== 'VFB1') throw new Error('not a VFB1 framebuffer dump');
    const fb = new Framebuffer(b.readUInt16LE(4), b.readUInt16LE(6));
    for (let i = 0; i < fb.pixels.length; i++) fb.pixels[i] = b.readUInt32LE(8 + i * 4);
    return fb;
  }
}

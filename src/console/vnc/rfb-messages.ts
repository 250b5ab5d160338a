/** RFB 3.8 wire constants and client-to-server message encoders (RFC 6143 plus QEMU's extensions). */

export const ENCODING = {
  raw: 0,
  desktopSize: -223,
  qemuExtendedKeyEvent: -258,
  ledState: -261,
} as const;

export const SECURITY = { invalid: 0, none: 1, vncAuth: 2 } as const;

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/** What we always ask for: one little-endian uint32 per pixel, 0x00RRGGBB. */
export const PIXEL_FORMAT_32: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};

export function encodePixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(pf.bitsPerPixel, 0);
  b.writeUInt8(pf.depth, 1);
  b.writeUInt8(pf.bigEndian ? 1 : 0, 2);
  b.writeUInt8(pf.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(pf.redMax, 4);
  b.writeUInt16BE(pf.greenMax, 6);
  b.writeUInt16BE(pf.blueMax, 8);
  b.writeUInt8(pf.redShift, 10);
  b.writeUInt8(pf.greenShift, 11);
  b.writeUInt8(pf.blueShift, 12);
  return b;
}

export function decodePixelFormat(b: Buffer): PixelFormat {
  return {
    bitsPerPixel: b.readUInt8(0),
    depth: b.readUInt8(1),
    bigEndian: b.readUInt8(2) !== 0,
    trueColour: b.readUInt8(3) !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b.readUInt8(10),
    greenShift: b.readUInt8(11),
    blueShift: b.readUInt8(12),
  };
}

export function setPixelFormat(pf: PixelFormat): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 0]), encodePixelFormat(pf)]);
}

export function setEncodings(encodings: readonly number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b.writeUInt8(2, 0);
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}

export function updateRequest(incremental: boolean, x: number, y: number, w: number, h: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(w, 6);
  b.writeUInt16BE(h, 8);
  return b;
}

export function keyEvent(down: boolean, keysym: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(4, 0);
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym >>> 0, 4);
  return b;
}

/** QEMU ExtendedKeyEvent: the XT scancode reaches the guest as is, QEMU's -k keymap is not used. */
export function extendedKeyEvent(down: boolean, keysym: number, scancode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(255, 0);
  b.writeUInt8(0, 1);
  b.writeUInt16BE(down ? 1 : 0, 2);
  b.writeUInt32BE(keysym >>> 0, 4);
  b.writeUInt32BE(scancode >>> 0, 8);
  return b;
}

/** LED state pseudo-encoding payload bits. */
export const LED = { scroll: 1, num: 2, caps: 4 } as const;

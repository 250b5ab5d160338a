import type { PsfFont } from './psf.js';

/**
 * The console fonts' glyphs in one compact binary (brotli-compressed by the generator): the package
 * ships them, so the screen reader needs nothing from the machine it runs on.
 *
 * Layout: "VRG1", u16 font count; per font: u8 name length, name (ASCII), u8 width, u8 height,
 * u16 glyph count, the rows (height × ceil(width/8) bytes per glyph, left-aligned as in PSF), then per
 * glyph a u8 count of code points and each code point as LEB128.
 */
export interface NamedFont {
  name: string;
  font: PsfFont;
}

const MAGIC = 'VRG1';

/** The console-setup fonts the reader knows: the Lat15 and Uni2 sets, every size. */
export const CONSOLE_FONT_PATTERN = /^(Lat15|Uni2)-/;

export function packFonts(fonts: readonly NamedFont[]): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1'), u16(fonts.length)];
  for (const { name, font } of fonts) {
    const rowBytes = Math.ceil(font.width / 8);
    parts.push(Buffer.from([name.length]), Buffer.from(name, 'latin1'));
    parts.push(Buffer.from([font.width, font.height]), u16(font.glyphs.length));
    const rows = Buffer.alloc(font.glyphs.length * font.height * rowBytes);
    font.glyphs.forEach((glyph, g) => {
      for (let y = 0; y < font.height; y++) {
        // Back to PSF's left-aligned bytes: the padding bits are on the right.
        let v = glyph[y]! * 2 ** (rowBytes * 8 - font.width);
        for (let b = rowBytes - 1; b >= 0; b--) {
          rows[(g * font.height + y) * rowBytes + b] = v % 256;
          v = Math.floor(v / 256);
        }
      }
    });
    parts.push(rows);
    for (const codes of font.unicode) {
      parts.push(Buffer.from([codes.length]), ...codes.map(leb128));
    }
  }
  return Buffer.concat(parts);
}

export function unpackFonts(data: Buffer): NamedFont[] {
  if (data.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a vps-rescue glyph pack');
  let at = 4;
  const count = data.readUInt16LE(at);
  at += 2;
  const fonts: NamedFont[] = [];
  for (let f = 0; f < count; f++) {
    const nameLength = data[at++]!;
    const name = data.toString('latin1', at, at + nameLength);
    at += nameLength;
    const width = data[at++]!;
    const height = data[at++]!;
    const glyphCount = data.readUInt16LE(at);
    at += 2;
    const rowBytes = Math.ceil(width / 8);
    const glyphs: Uint32Array[] = [];
    for (let g = 0; g < glyphCount; g++) {
      const rows = new Uint32Array(height);
      for (let y = 0; y < height; y++) {
        let v = 0;
        for (let b = 0; b < rowBytes; b++) v = v * 256 + data[at++]!;
        rows[y] = Math.floor(v / 2 ** (rowBytes * 8 - width));
      }
      glyphs.push(rows);
    }
    const unicode: number[][] = [];
    for (let g = 0; g < glyphCount; g++) {
      const codes: number[] = [];
      for (let n = data[at++]!; n > 0; n--) {
        let code = 0;
        for (let shift = 0; ; shift += 7) {
          const byte = data[at++]!;
          code += (byte & 0x7f) * 2 ** shift;
          if (byte < 0x80) break;
        }
        codes.push(code);
      }
      unicode.push(codes);
    }
    fonts.push({ name, font: { width, height, glyphs, unicode } });
  }
  if (at !== data.length) throw new Error('glyph pack: trailing bytes');
  return fonts;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    const low = n % 128;
    n = Math.floor(n / 128);
    out.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
  return Buffer.from(out);
}

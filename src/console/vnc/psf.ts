import { gunzipSync } from 'node:zlib';

/** One bitmap font as the Linux console loads it (PSF1 or PSF2), rows as bit masks (MSB = left). */
export interface PsfFont {
  width: number;
  height: number;
  /** glyphs[i][row]: bit (width-1-x) set = pixel x is ink. */
  glyphs: Uint32Array[];
  /** Unicode code points (single characters; sequences are left out) per glyph index. */
  unicode: number[][];
}

const PSF1_MAGIC = 0x0436;
const PSF2_MAGIC = 0x864ab572;

export function parsePsf(data: Buffer): PsfFont {
  const buf = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  if (buf.readUInt16LE(0) === PSF1_MAGIC) return parsePsf1(buf);
  if (buf.length >= 32 && buf.readUInt32LE(0) === PSF2_MAGIC) return parsePsf2(buf);
  throw new Error('not a PSF font');
}

function readGlyphs(buf: Buffer, offset: number, count: number, width: number, height: number) {
  const rowBytes = Math.ceil(width / 8);
  const glyphs: Uint32Array[] = [];
  for (let g = 0; g < count; g++) {
    const rows = new Uint32Array(height);
    for (let y = 0; y < height; y++) {
      let v = 0;
      const at = offset + (g * height + y) * rowBytes;
      for (let b = 0; b < rowBytes; b++) v = v * 256 + buf[at + b]!;
      // Row bytes are padded on the right: drop the padding bits.
      rows[y] = Math.floor(v / 2 ** (rowBytes * 8 - width));
    }
    glyphs.push(rows);
  }
  return glyphs;
}

function parsePsf1(buf: Buffer): PsfFont {
  const mode = buf[2]!;
  const height = buf[3]!;
  const count = mode & 1 ? 512 : 256;
  const glyphs = readGlyphs(buf, 4, count, 8, height);
  const unicode: number[][] = glyphs.map(() => []);
  if (mode & 0x06) {
    let at = 4 + count * height;
    for (let g = 0; g < count && at + 1 < buf.length; g++) {
      let inSequence = false;
      for (;;) {
        const u = buf.readUInt16LE(at);
        at += 2;
        if (u === 0xffff) break;
        if (u === 0xfffe) inSequence = true;
        else if (!inSequence) unicode[g]!.push(u);
      }
    }
  }
  return { width: 8, height, glyphs, unicode };
}

function parsePsf2(buf: Buffer): PsfFont {
  const headerSize = buf.readUInt32LE(8);
  const flags = buf.readUInt32LE(12);
  const count = buf.readUInt32LE(16);
  const charSize = buf.readUInt32LE(20);
  const height = buf.readUInt32LE(24);
  const width = buf.readUInt32LE(28);
  if (width > 32 || charSize !== Math.ceil(width / 8) * height) throw new Error('unsupported PSF2 geometry');
  const glyphs = readGlyphs(buf, headerSize, count, width, height);
  const unicode: number[][] = glyphs.map(() => []);
  if (flags & 1) {
    let at = headerSize + count * charSize;
    for (let g = 0; g < count && at < buf.length; g++) {
      let end = at;
      while (end < buf.length && buf[end] !== 0xff) end++;
      // Entries: UTF-8 single characters, then 0xFE-prefixed sequences (combining forms) we skip.
      const seqStart = buf.indexOf(0xfe, at);
      const plainEnd = seqStart !== -1 && seqStart < end ? seqStart : end;
      for (const ch of buf.toString('utf8', at, plainEnd)) unicode[g]!.push(ch.codePointAt(0)!);
      at = end + 1;
    }
  }
  return { width, height, glyphs, unicode };
}

import { Framebuffer } from '../../../src/console/vnc/framebuffer.js';
import type { PsfFont } from '../../../src/console/vnc/psf.js';

export interface RenderOptions {
  cols: number;
  rows: number;
  cellWidth: number;
  fg?: number;
  bg?: number;
  /** Cells drawn with fg and bg swapped. */
  inverse?: Array<{ row: number; col: number }>;
  /** Underline cursor: the bottom `cursorRows` rows of this cell filled with ink. */
  cursor?: { row: number; col: number };
  cursorRows?: number;
}

/** Draws text with a real console font the way vgacon/fbcon do, for decode tests. */
export function render(font: PsfFont, lines: string[], o: RenderOptions): Framebuffer {
  const fg = o.fg ?? 0xaaaaaa;
  const bg = o.bg ?? 0;
  const fb = new Framebuffer(o.cols * o.cellWidth, o.rows * font.height);
  fb.pixels.fill(bg);
  const glyphOf = new Map<number, number>();
  font.unicode.forEach((codes, i) => codes.forEach((c) => glyphOf.has(c) || glyphOf.set(c, i)));
  for (let row = 0; row < o.rows; row++) {
    const chars = [...(lines[row] ?? '')];
    for (let col = 0; col < o.cols; col++) {
      const ch = chars[col] ?? ' ';
      const glyph = font.glyphs[glyphOf.get(ch.codePointAt(0)!) ?? glyphOf.get(0x3f)!]!;
      const inv = o.inverse?.some((p) => p.row === row && p.col === col);
      const cursor = o.cursor?.row === row && o.cursor.col === col;
      for (let y = 0; y < font.height; y++) {
        const underCursor = cursor && y >= font.height - (o.cursorRows ?? 2);
        for (let x = 0; x < o.cellWidth; x++) {
          const ink = underCursor || (x < font.width && ((glyph[y]! >> (font.width - 1 - x)) & 1) === 1);
          fb.pixels[(row * font.height + y) * fb.width + col * o.cellWidth + x] = ink !== !!inv ? fg : bg;
        }
      }
    }
  }
  return fb;
}

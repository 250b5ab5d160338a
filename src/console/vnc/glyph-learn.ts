import type { Framebuffer } from './framebuffer.js';
import { backgroundOf, type ScreenReader } from './screen-reader.js';

/** Where the printed character set starts on its output line. */
export const GLYPH_PROBE_MARK = 'GLYPHS:';
/** The characters learned: printable ASCII, 0x21–0x7E, in order. */
export const GLYPH_PROBE_TEXT = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
/**
 * Prints the mark and the character set on one line. printf builds the characters from octal codes,
 * so the typed command contains none of them (bash and dash).
 */
export const GLYPH_PROBE_COMMAND = `printf '%s%b\\n' ${GLYPH_PROBE_MARK} "$(printf '\\\\0%03o' $(seq 33 126))"`;

export interface GlyphLearning {
  /** Characters whose glyph on this console was not (or not as that character) in the tables. */
  learned: string;
  /** Characters already read right. */
  known: number;
  /** Cells that are no text cell (more than two colours): still unknown, reported, never guessed. */
  unreadable: string;
}

/**
 * Self-calibration after login: with the output of GLYPH_PROBE_COMMAND on the screen, each cell of
 * the printed character set is the glyph this console uses for that character; those bitmaps are
 * added to the current font's table. Returns undefined when the line is not on the screen.
 */
export function learnGlyphs(fb: Framebuffer, reader: ScreenReader): GlyphLearning | undefined {
  const text = reader.read(fb);
  const g = reader.geometry;
  const row0 = text.lines.findIndex((l) => l.startsWith(GLYPH_PROBE_MARK));
  if (!g || row0 < 0) return undefined;
  const background = backgroundOf(fb);
  const out: GlyphLearning = { learned: '', known: 0, unreadable: '' };
  [...GLYPH_PROBE_TEXT].forEach((ch, i) => {
    const at = GLYPH_PROBE_MARK.length + i;
    const row = row0 + Math.floor(at / g.cols);
    const col = at % g.cols;
    if (row >= g.rows) return;
    if (text.lines[row]?.[col] === ch) {
      out.known++;
      return;
    }
    const bitmap = inkBitmap(
      fb,
      row * g.table.height,
      col * g.cellWidth,
      g.table.width,
      g.table.height,
      background,
    );
    if (!bitmap) out.unreadable += ch;
    else {
      g.table.add(bitmap, ch, true);
      out.learned += ch;
    }
  });
  return out;
}

/** A cell's rows as bits (ink = the colour that is not the background), or undefined past two colours. */
function inkBitmap(
  fb: Framebuffer,
  y0: number,
  x0: number,
  w: number,
  h: number,
  background: number,
): Uint32Array | undefined {
  let ink: number | undefined;
  const rows = new Uint32Array(h);
  for (let y = 0; y < h; y++) {
    let bits = 0;
    for (let x = 0; x < w; x++) {
      const p = fb.pixels[(y0 + y) * fb.width + x0 + x]!;
      if (p !== background) {
        if (ink === undefined) ink = p;
        else if (p !== ink) return undefined;
      }
      bits = bits * 2 + (p !== background ? 1 : 0);
    }
    rows[y] = bits;
  }
  return rows;
}

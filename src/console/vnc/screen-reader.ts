import type { Framebuffer } from './framebuffer.js';
import { MAX_CURSOR_ROWS, UNKNOWN_CHAR, type GlyphTable } from './glyph-table.js';

export interface CellPos {
  row: number;
  col: number;
}

/** A screen read back as text: one string per row, exactly as many characters as columns. */
export interface ScreenText {
  cols: number;
  rows: number;
  lines: string[];
  /** Where an underline cursor was seen (its phase may hide it: blinking). */
  cursor?: CellPos;
  /** Cells whose bitmap is in no table (shown as U+FFFD in lines). */
  unknown: CellPos[];
  /** Cells drawn in inverse video (read all the same). */
  inverse: CellPos[];
  /** Cursor cells at the end of a line read as blank although '_' would look the same. */
  assumed?: CellPos[];
  font: string;
  cellWidth: number;
  cellHeight: number;
}

export interface Geometry {
  table: GlyphTable;
  cellWidth: number;
  cols: number;
  rows: number;
}

/** Every way a font could tile this screen: 8-px-wide fonts also in VGA text mode's 9-px cells. */
export function geometriesFor(fb: Framebuffer, tables: readonly GlyphTable[]): Geometry[] {
  const out: Geometry[] = [];
  for (const table of tables) {
    const widths = table.width === 8 ? [9, 8] : [table.width];
    for (const cellWidth of widths) {
      const cols = Math.floor(fb.width / cellWidth);
      const rows = Math.floor(fb.height / table.height);
      // VGA text mode fills the screen exactly; fbcon may leave a margin smaller than one cell.
      if (cellWidth === 9 && fb.width !== cols * 9) continue;
      if (cols > 0 && rows > 0) out.push({ table, cellWidth, cols, rows });
    }
  }
  return out;
}

/** The most frequent colour, sampled: the console's background. */
export function backgroundOf(fb: Framebuffer): number {
  const counts = new Map<number, number>();
  const step = 7;
  for (let i = 0; i < fb.pixels.length; i += step) {
    const p = fb.pixels[i]!;
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [p, n] of counts) if (n > bestCount) [best, bestCount] = [p, n];
  return best;
}

interface CellRead {
  ch: string;
  inverse: boolean;
  cursor: boolean;
  /** Under a cursor, several characters may fit: all of them (ch is then UNKNOWN_CHAR). */
  candidates?: string;
}

/**
 * Reads one cell: at most two colours (paper and ink); the ink bitmap is looked up exactly, first
 * with the non-background colour as ink, then the other way round (inverse video). A cell that only
 * reads with its bottom rows masked carries an underline cursor.
 */
export function readCell(
  fb: Framebuffer,
  g: Geometry,
  row: number,
  col: number,
  background: number,
  rowsBuf: Uint32Array,
): CellRead | undefined {
  const { table, cellWidth } = g;
  const w = table.width;
  const h = table.height;
  const x0 = col * cellWidth;
  const y0 = row * h;
  const px = fb.pixels;
  const stride = fb.width;
  const first = px[y0 * stride + x0]!;
  let other = first;
  for (let y = 0; y < h; y++) {
    const base = (y0 + y) * stride + x0;
    for (let x = 0; x < w; x++) {
      const p = px[base + x]!;
      if (p === first) continue;
      if (other === first) other = p;
      else if (p !== other) return undefined; // three colours: not a text cell
    }
  }
  if (other === first) return { ch: ' ', inverse: first !== background, cursor: false };
  // Ink first guess: the colour that is not the background (or the rarer one if neither is).
  const candidates =
    first === background ? [other, first] : other === background ? [first, other] : [other, first];
  for (const ink of candidates) {
    for (let y = 0; y < h; y++) {
      const base = (y0 + y) * stride + x0;
      let bits = 0;
      for (let x = 0; x < w; x++) bits = bits * 2 + (px[base + x] === ink ? 1 : 0);
      rowsBuf[y] = bits;
    }
    const rows = rowsBuf.subarray(0, h);
    const inverse = ink === background || (first !== background && other !== background && ink === first);
    const ch = table.lookup(rows);
    if (ch !== undefined) return { ch, inverse, cursor: false };
    // An underline cursor paints whole rows near the bottom of the cell (which rows depends on the
    // driver and font height): read the cell from the rows it leaves alone.
    const full = 2 ** w - 1;
    const covered = Array.from(rows, (r, y) => r === full && y >= h - MAX_CURSOR_ROWS - 1);
    if (covered.some(Boolean)) {
      const under = table.matchUncovered(rows, covered);
      if (under.length === 1) return { ch: under, inverse, cursor: true };
      if (under.length > 1) return { ch: UNKNOWN_CHAR, inverse, cursor: true, candidates: under };
    }
  }
  return undefined;
}

/** Decodes a whole screen with one geometry. */
export function readScreen(
  fb: Framebuffer,
  g: Geometry,
  background = backgroundOf(fb),
  previous?: ScreenText,
): ScreenText {
  const rowsBuf = new Uint32Array(g.table.height);
  const lines: string[] = [];
  const unknown: CellPos[] = [];
  const inverse: CellPos[] = [];
  const assumed: CellPos[] = [];
  let cursor: CellPos | undefined;
  for (let row = 0; row < g.rows; row++) {
    let line = '';
    for (let col = 0; col < g.cols; col++) {
      const cell = readCell(fb, g, row, col, background, rowsBuf);
      if (!cell) {
        unknown.push({ row, col });
        line += UNKNOWN_CHAR;
        continue;
      }
      let ch = cell.ch;
      if (cell.candidates) {
        // The cursor hides what tells the candidates apart (' ' and '_' under an underline cursor).
        // The previous frame may have shown the cell bare (blink phase); at the end of a line, where
        // typed text leaves the cursor, the blank is the only thing the cursor can be sitting on.
        const before = previous?.lines[row]?.[col];
        const sameCursor = !previous?.cursor || (previous.cursor.row === row && previous.cursor.col === col);
        if (
          before !== undefined &&
          before !== UNKNOWN_CHAR &&
          sameCursor &&
          cell.candidates.includes(before)
        ) {
          ch = before;
        } else if (cell.candidates.includes(' ') && restIsBlank(fb, g, row, col, background)) {
          ch = ' ';
          assumed.push({ row, col });
        } else unknown.push({ row, col });
      }
      line += ch;
      if (cell.inverse) inverse.push({ row, col });
      if (cell.cursor) cursor = { row, col };
    }
    lines.push(line);
  }
  return {
    cols: g.cols,
    rows: g.rows,
    lines,
    unknown,
    inverse,
    assumed,
    font: g.table.name,
    cellWidth: g.cellWidth,
    cellHeight: g.table.height,
    ...(cursor ? { cursor } : {}),
  };
}

function restIsBlank(fb: Framebuffer, g: Geometry, row: number, col: number, background: number): boolean {
  const y0 = row * g.table.height;
  for (let y = y0; y < y0 + g.table.height; y++) {
    for (let x = (col + 1) * g.cellWidth; x < g.cols * g.cellWidth; x++) {
      if (fb.pixels[y * fb.width + x] !== background) return false;
    }
  }
  return true;
}

/** How well a geometry explains a screen: readable non-blank cells minus unreadable ones. */
function score(fb: Framebuffer, g: Geometry, background: number): number {
  const rowsBuf = new Uint32Array(g.table.height);
  let s = 0;
  for (let row = 0; row < g.rows; row++) {
    for (let col = 0; col < g.cols; col++) {
      const cell = readCell(fb, g, row, col, background, rowsBuf);
      if (!cell) s -= 2;
      else if (cell.ch !== ' ') s += 1;
    }
  }
  return s;
}

/**
 * Screen → text with font detection: the geometry that reads the most cells wins and is kept while
 * it reads everything; a screen it cannot fully read triggers a new search (the guest may have
 * loaded another font or switched to the framebuffer console).
 */
export class ScreenReader {
  private current: Geometry | undefined;
  private last: ScreenText | undefined;

  constructor(readonly tables: GlyphTable[]) {}

  get geometry(): Geometry | undefined {
    return this.current;
  }

  read(fb: Framebuffer): ScreenText {
    const background = backgroundOf(fb);
    const g = this.current;
    if (g && fitsScreen(g, fb)) {
      const text = readScreen(fb, g, background);
      if (text.unknown.length === 0) return text;
    }
    this.current = this.detect(fb, background);
    if (!this.current) {
      return {
        cols: 0,
        rows: 0,
        lines: [],
        unknown: [],
        inverse: [],
        font: 'none',
        cellWidth: 0,
        cellHeight: 0,
      };
    }
    return readScreen(fb, this.current, background);
  }

  private detect(fb: Framebuffer, background: number): Geometry | undefined {
    let best: Geometry | undefined;
    let bestScore = -Infinity;
    for (const g of geometriesFor(fb, this.tables)) {
      const s = score(fb, g, background);
      if (s > bestScore) [best, bestScore] = [g, s];
    }
    return best;
  }
}

function fitsScreen(g: Geometry, fb: Framebuffer): boolean {
  return geometriesFor(fb, [g.table]).some(
    (x) => x.cellWidth === g.cellWidth && x.cols === g.cols && x.rows === g.rows,
  );
}

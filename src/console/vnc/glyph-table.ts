import type { PsfFont } from './psf.js';

/** Marks a bitmap that two different characters share in one font: reading it would be a guess. */
export const AMBIGUOUS = '\u0000';
/** What the reader puts in a line for a cell it could not read. */
export const UNKNOWN_CHAR = '\uFFFD';

/** Rows that a text-mode or fbcon underline cursor may cover, counted from the cell's bottom. */
export const MAX_CURSOR_ROWS = 4;

export const rowsKey = (rows: ArrayLike<number>, count = rows.length): string => {
  let key = '';
  for (let i = 0; i < count; i++) key += `${rows[i]!.toString(36)},`;
  return key;
};

/**
 * Bitmap → character for one font. Besides exact lookup it keeps, for the top h-k rows (k = 1…4),
 * which characters share them: a cell under an underline cursor is read from the rows the cursor
 * leaves alone, and only if they point at exactly one character.
 */
export class GlyphTable {
  readonly exact = new Map<string, string>();
  /** Every glyph with its character, for the slow path (cells under a cursor). */
  readonly glyphs: Array<{ rows: Uint32Array; ch: string }> = [];

  constructor(
    readonly name: string,
    readonly width: number,
    readonly height: number,
  ) {}

  static fromPsf(name: string, font: PsfFont): GlyphTable {
    const table = new GlyphTable(name, font.width, font.height);
    font.glyphs.forEach((rows, i) => {
      const ch = representative(font.unicode[i] ?? []);
      if (ch !== undefined) table.add(rows, ch);
    });
    return table;
  }

  /** Adds (or, when `learned`, overrides with) what the screen showed for a known character. */
  add(rows: ArrayLike<number>, ch: string, learned = false): void {
    this.glyphs.push({ rows: Uint32Array.from(rows), ch });
    store(this.exact, rowsKey(rows), ch, learned);
  }

  lookup(rows: ArrayLike<number>): string | undefined {
    const ch = this.exact.get(rowsKey(rows));
    return ch === AMBIGUOUS ? undefined : ch;
  }

  /** Characters whose glyph equals `rows` on every row not flagged in `covered` (distinct, in order). */
  matchUncovered(rows: ArrayLike<number>, covered: readonly boolean[]): string {
    let out = '';
    for (const g of this.glyphs) {
      let same = true;
      for (let y = 0; y < rows.length && same; y++) if (!covered[y] && g.rows[y] !== rows[y]) same = false;
      if (same && !out.includes(g.ch)) out += g.ch;
    }
    return out;
  }

  get size(): number {
    return this.exact.size;
  }
}

const isAscii = (ch: string) => ch.length === 1 && ch >= ' ' && ch <= '~';

function store(map: Map<string, string>, key: string, ch: string, learned: boolean): void {
  const old = map.get(key);
  if (old === undefined || old === ch || learned) {
    map.set(key, ch);
    return;
  }
  // One bitmap, two characters: ASCII wins over look-alikes (Cyrillic А, NBSP…), else ambiguous.
  if (isAscii(ch) && !isAscii(old)) map.set(key, ch);
  else if (isAscii(ch) === isAscii(old)) map.set(key, AMBIGUOUS);
}

/** The character a glyph stands for: its ASCII mapping if it has one, else its first code point. */
function representative(codes: number[]): string | undefined {
  const ascii = codes.find((c) => c >= 0x20 && c <= 0x7e);
  const code = ascii ?? codes.find((c) => c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0));
  return code === undefined ? undefined : String.fromCodePoint(code);
}

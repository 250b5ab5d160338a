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
  private readonly partial: Array<Map<string, string>> = [];

  constructor(
    readonly name: string,
    readonly width: number,
    readonly height: number,
  ) {
    for (let k = 0; k <= MAX_CURSOR_ROWS; k++) this.partial.push(new Map());
  }

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
    store(this.exact, rowsKey(rows), ch, learned);
    for (let k = 1; k <= MAX_CURSOR_ROWS; k++)
      store(this.partial[k]!, rowsKey(rows, rows.length - k), ch, learned);
  }

  lookup(rows: ArrayLike<number>): string | undefined {
    const ch = this.exact.get(rowsKey(rows));
    return ch === AMBIGUOUS ? undefined : ch;
  }

  /** The characters whose glyphs match all rows but the bottom `k` (covered by a cursor), as one string. */
  lookupAbove(rows: ArrayLike<number>, k: number): string {
    return this.partial[k]?.get(rowsKey(rows, rows.length - k)) ?? '';
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

import { beforeAll, describe, expect, it } from 'vitest';
import { consoleFont } from '../../../src/console/vnc/font-tables.js';
import { GLYPH_PROBE_MARK, GLYPH_PROBE_TEXT, learnGlyphs } from '../../../src/console/vnc/glyph-learn.js';
import { GlyphTable, UNKNOWN_CHAR } from '../../../src/console/vnc/glyph-table.js';
import type { PsfFont } from '../../../src/console/vnc/psf.js';
import { ScreenReader } from '../../../src/console/vnc/screen-reader.js';
import { render } from './render.js';

let font: PsfFont;
beforeAll(() => {
  font = consoleFont('Uni2-VGA16');
});

/** The font's table without some characters: a console whose font differs from every table we have. */
function tableWithout(missing: string): GlyphTable {
  const unicode = font.unicode.map((codes) =>
    codes.filter((c) => !missing.includes(String.fromCodePoint(c))),
  );
  return GlyphTable.fromPsf('Uni2-VGA16', { ...font, unicode });
}

describe('glyph self-calibration after login', () => {
  it('learns the glyphs of the printed character set that the tables lacked, and then reads them', () => {
    const line = `${GLYPH_PROBE_MARK}${GLYPH_PROBE_TEXT}`;
    const lines = ['root@vps:~# printf ...', line.slice(0, 80), line.slice(80), 'user@host # 100%'];
    const fb = render(font, lines, { cols: 80, rows: 25, cellWidth: 9 });
    const reader = new ScreenReader([tableWithout('@#%')]);
    const before = reader.read(fb);
    expect(before.lines[3]!.trimEnd()).toBe(`user${UNKNOWN_CHAR}host ${UNKNOWN_CHAR} 100${UNKNOWN_CHAR}`);
    expect(before.unknown.length).toBeGreaterThanOrEqual(6);

    const learned = learnGlyphs(fb, reader)!;
    expect([...learned.learned].sort().join('')).toBe('#%@');
    expect(learned.known).toBe(91);
    expect(learned.unreadable).toBe('');
    const after = reader.read(fb);
    expect(after.lines[3]!.trimEnd()).toBe('user@host # 100%');
    expect(after.unknown).toEqual([]);
  });

  it('does nothing when the printed line is not on the screen', () => {
    const fb = render(font, ['root@vps:~#'], { cols: 80, rows: 25, cellWidth: 9 });
    expect(learnGlyphs(fb, new ScreenReader([tableWithout('')]))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { consoleFont, consoleFonts } from '../../../src/console/vnc/font-tables.js';
import { CONSOLE_FONT_NAMES } from '../../../src/console/vnc/console-glyphs.generated.js';
import { packFonts, unpackFonts } from '../../../src/console/vnc/glyph-pack.js';
import type { PsfFont } from '../../../src/console/vnc/psf.js';

describe('glyph pack', () => {
  it('gives back exactly the fonts it was given: widths 6, 8, 12 and 16, code points past U+FFFF', () => {
    const font = (width: number, height: number): PsfFont => ({
      width,
      height,
      glyphs: [
        Uint32Array.from({ length: height }, (_, y) => (2 ** width - 1 - y) % 2 ** width),
        new Uint32Array(height),
      ],
      unicode: [[0x41, 0x391, 0x1f600], []],
    });
    const fonts = [6, 8, 12, 16].map((width) => ({ name: `Test-${width}`, font: font(width, width + 2) }));
    expect(unpackFonts(packFonts(fonts))).toEqual(fonts);
    expect(() => unpackFonts(Buffer.from('nope'))).toThrow(/not a vps-rescue glyph pack/);
  });

  it('ships every console-setup Lat15/Uni2 font, the VGA 8×16 default among them', () => {
    expect(consoleFonts().map((f) => f.name)).toEqual(CONSOLE_FONT_NAMES);
    expect(CONSOLE_FONT_NAMES.length).toBeGreaterThanOrEqual(50);
    const vga = consoleFont('Uni2-VGA16');
    expect([vga.width, vga.height, vga.glyphs.length]).toEqual([8, 16, 512]);
    expect(() => consoleFont('Nope-8')).toThrow(/no console font/);
  });
});

import { brotliDecompressSync } from 'node:zlib';
import { CONSOLE_GLYPHS } from './console-glyphs.generated.js';
import { unpackFonts, type NamedFont } from './glyph-pack.js';
import { GlyphTable } from './glyph-table.js';
import type { PsfFont } from './psf.js';

let fonts: NamedFont[] | undefined;

/**
 * The console-setup Lat15/Uni2 fonts, from the glyph data shipped in the package
 * (scripts/console-glyphs.ts): nothing is read from, or installed on, the machine the CLI runs on.
 */
export function consoleFonts(): readonly NamedFont[] {
  fonts ??= unpackFonts(brotliDecompressSync(Buffer.from(CONSOLE_GLYPHS, 'base64')));
  return fonts;
}

export function consoleFont(name: string): PsfFont {
  const found = consoleFonts().find((f) => f.name === name);
  if (!found) throw new Error(`no console font ${name} in the shipped glyph data`);
  return found.font;
}

const cache = new Map<string, Promise<GlyphTable[]>>();

/** Glyph tables for every shipped font: Uni2-VGA16 is the VGA 8×16 font, the BIOS/vgacon and fbcon default. */
export function loadGlyphTables(filter: (name: string) => boolean = () => true): Promise<GlyphTable[]> {
  const key = filter.toString();
  let p = cache.get(key);
  if (!p) {
    p = Promise.resolve().then(() =>
      consoleFonts()
        .filter(({ name }) => filter(name))
        .map(({ name, font }) => GlyphTable.fromPsf(name, font)),
    );
    cache.set(key, p);
  }
  return p;
}

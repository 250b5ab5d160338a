import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureConsoleFonts, listConsoleFonts } from './font-source.js';
import { GlyphTable } from './glyph-table.js';
import { parsePsf } from './psf.js';

const cache = new Map<string, Promise<GlyphTable[]>>();

/**
 * Glyph tables for every console-setup Lat15/Uni2 font (parsed from the cached Debian package):
 * Uni2-VGA16 is the VGA 8×16 font, the BIOS/vgacon and fbcon default.
 */
export function loadGlyphTables(filter: (name: string) => boolean = () => true): Promise<GlyphTable[]> {
  const key = filter.toString();
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const dir = await ensureConsoleFonts();
      const names = (await listConsoleFonts(dir)).filter(filter);
      return Promise.all(
        names.map(async (name) =>
          GlyphTable.fromPsf(name, parsePsf(await readFile(join(dir, `${name}.psf.gz`)))),
        ),
      );
    })();
    cache.set(key, p);
  }
  return p;
}

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Console fonts are not committed: they come from Debian's console-setup-linux package (the fonts a
 * Debian/Ubuntu VPS loads), unpacked once into a cache directory outside the repository.
 */
export const FONT_CACHE = process.env.VPS_RESCUE_FONT_CACHE ?? '/var/cache/vps-rescue-lab/fonts';

export const consoleFontDir = (cache = FONT_CACHE) => join(cache, 'usr', 'share', 'consolefonts');

/** The console-setup font directory, downloaded with `apt-get download` + `dpkg -x` when missing. */
export async function ensureConsoleFonts(cache = FONT_CACHE): Promise<string> {
  const dir = consoleFontDir(cache);
  if (existsSync(join(dir, 'Uni2-VGA16.psf.gz'))) return dir;
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'vps-rescue-fonts-'));
  try {
    await exec('apt-get', ['download', 'console-setup-linux'], { cwd: work, timeout: 120_000 });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download console-setup-linux produced no .deb');
    const unpacked = join(work, 'x');
    await exec('dpkg', ['-x', join(work, deb), unpacked], { timeout: 120_000 });
    await rm(join(cache, 'usr'), { recursive: true, force: true });
    await rename(join(unpacked, 'usr'), join(cache, 'usr'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return dir;
}

/** Fonts the screen reader knows: the console-setup Lat15/Uni2 sets, 8 px wide or wider. */
export async function listConsoleFonts(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => /^(Lat15|Uni2)-.*\.psf\.gz$/.test(f))
    .map((f) => f.replace(/\.psf\.gz$/, ''))
    .sort();
}

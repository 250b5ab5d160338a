// Reads scripts/debian-packages.txt, the one list of Debian packages the tests, the demo and the lab
// need. Node built-ins only: the bootstrap imports this before anything else is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const PACKAGES_FILE = new URL('./debian-packages.txt', import.meta.url);

/** @returns {{ name: string, provides: string[] }[]} each package and the commands (or a file) showing it. */
export function readDebianPackages(text = readFileSync(PACKAGES_FILE, 'utf8')) {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [name, ...provides] = line.split(/\s+/);
      if (provides.length === 0) throw new Error(`debian-packages.txt: ${name} names nothing it provides`);
      return { name, provides };
    });
}

/** Whether a command is on PATH (or, for an absolute path, whether the file exists). */
export function isPresent(probe) {
  if (probe.startsWith('/')) return existsSync(probe);
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Packages of which something is not present, in the file's order. */
export function missingPackages(packages = readDebianPackages(), present = isPresent) {
  return packages.filter((p) => !p.provides.every(present)).map((p) => p.name);
}

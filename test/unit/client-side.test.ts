import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSource, sourceFiles } from '../support/source-scan.js';

// The CLI runs on the engineer's own machine (macOS, Windows, any Linux, no root): the product code
// starts no system tool and writes only where the user said (or under the directory they run it in).
/** What the package is built from: tsconfig.build.json's excludes (tests, simulators, test support) left out. */
const BUILD = JSON.parse(readFileSync(new URL('../../tsconfig.build.json', import.meta.url), 'utf8')) as {
  exclude: string[];
};
// tsconfig's globs: a double star and slash for any folders, a trailing double star for all below, a star within one name.
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split(/(\*\*\/|\/\*\*$|\*)/)
      .map((part) =>
        part === '**/'
          ? '(?:.*/)?'
          : part === '/**'
            ? '/.*'
            : part === '*'
              ? '[^/]*'
              : part.replace(/[.+^${}()|[\]\\?]/g, '\\$&'),
      )
      .join('')}$`,
  );
const NOT_BUILT = BUILD.exclude.map(globToRegExp);

const PRODUCT = () =>
  sourceFiles('src', 'providers').filter((file) => !NOT_BUILT.some((re) => re.test(file)));

const FS_WRITES = [
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'mkdir',
  'mkdirSync',
  'mkdtemp',
  'mkdtempSync',
  'rename',
  'renameSync',
  'createWriteStream',
  'copyFile',
  'copyFileSync',
  'cp',
  'cpSync',
  'rm',
  'rmSync',
  'unlink',
  'unlinkSync',
  'chmod',
  'chmodSync',
  'chown',
  'chownSync',
  'symlink',
  'symlinkSync',
  'link',
  'linkSync',
  'truncate',
  'truncateSync',
  'open',
  'openSync',
  'utimes',
  'utimesSync',
];

/** Files allowed to write, and where their paths come from: each one a place the user chose. */
const WRITERS: Record<string, string> = {
  'src/cli/commands/harden.ts': 'the hardening report into --out (default ./vps-rescue-reports)',
  'src/cli/commands/preflight.ts': 'the preflight report into --out (default ./vps-rescue-reports)',
  'src/cli/commands/rescue.ts':
    'reports and a generated password into --out (default ./vps-rescue-reports) or --password-out',
  'src/console/transcript.ts': 'the transcript file given with --transcript',
  'src/console/transport/local.ts': 'opens the console device or socket named with --console',
};

/** Names of file-system writers a source imports from node:fs (or uses through a namespace import). */
function fsWrites(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(?:node:)?fs(?:\/promises)?'/g)) {
    for (const part of m[1]!.split(',')) {
      const imported = part
        .trim()
        .split(/\s+as\s+/)[0]!
        .replace(/^type\s+/, '');
      if (FS_WRITES.includes(imported)) found.add(imported);
    }
  }
  for (const m of text.matchAll(/import\s+(?:\*\s+as\s+)?(\w+)\s+from\s*'(?:node:)?fs(?:\/promises)?'/g)) {
    for (const call of text.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)\\(`, 'g'))) {
      if (FS_WRITES.includes(call[1]!)) found.add(call[1]!);
    }
  }
  return [...found].sort();
}

const SPAWNS = /from\s*'(?:node:)?child_process'|require\(\s*'(?:node:)?child_process'\)|\bprocess\.dlopen\(/;

describe('the CLI on the engineer’s own machine', () => {
  it('no product code starts a system tool (child_process): nothing is downloaded or installed at run time', () => {
    const files = PRODUCT();
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => SPAWNS.test(readSource(file)))).toEqual([]);
  });

  it('only the known writers touch the file system, each where the user said', () => {
    const writers = PRODUCT().filter((file) => fsWrites(readSource(file)).length > 0);
    // A new writer needs a reason here: a path the user gave, or one under the current directory.
    expect(writers).toEqual(Object.keys(WRITERS).filter((file) => writers.includes(file)));
    expect(writers.filter((file) => !(file in WRITERS))).toEqual([]);
    for (const file of writers) {
      // No fixed system location: no /var, /etc, /usr, /opt, /run or the temp directory.
      expect(readSource(file), file).not.toMatch(/tmpdir\(\)|['`"]\/(?:var|etc|usr|opt|run|tmp)\//);
    }
  });

  it('the scans see what they look for', () => {
    expect(SPAWNS.test("import { execFile } from 'node:child_process';")).toBe(true);
    expect(fsWrites("import { readFileSync, writeFileSync as w } from 'node:fs';")).toEqual([
      'writeFileSync',
    ]);
    expect(fsWrites("import { mkdir, readFile } from 'node:fs/promises';")).toEqual(['mkdir']);
    expect(fsWrites("import fs from 'fs';\nfs.renameSync(a, b); fs.readFileSync(a);")).toEqual([
      'renameSync',
    ]);
    expect(fsWrites("import { readFile } from 'node:fs/promises';")).toEqual([]);
  });
});

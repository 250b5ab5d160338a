import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPackages, readDebianPackages } from '../../../scripts/debian-packages.mjs';
import { stalePackages } from '../../../scripts/npm-packages.mjs';
import { readSource, REPO, sourceFiles, spawnedCommands } from '../../support/source-scan.js';

// Commands every Debian/Ubuntu system has (its Essential packages: dash, bash, coreutils, mount,
// hostname …, and apt-get/dpkg) or that the repository itself needs to exist (Node and npm; git made
// the clone).
const BASE_SYSTEM = new Set([
  'sh',
  'dash',
  'bash',
  'cat',
  'cp',
  'mv',
  'rm',
  'ln',
  'mkdir',
  'chmod',
  'chown',
  'chroot',
  'test',
  'true',
  'false',
  'sleep',
  'cksum',
  'nproc',
  'env',
  'id',
  'kill',
  'mount',
  'umount',
  'hostname',
  'tar',
  'gzip',
  'sed',
  'node',
  'npm',
  'npx',
  'git',
  'apt-get',
  'dpkg',
]);

const packages = readDebianPackages();
const provided = new Set(packages.flatMap((p) => p.provides.filter((probe) => !probe.startsWith('/'))));

describe('the one list of Debian packages (scripts/debian-packages.txt)', () => {
  it('includes what the VM tests need and names something to check for each package', () => {
    const names = packages.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['qemu-system-x86', 'e2fsprogs', 'systemd-container', 'debootstrap']),
    );
    expect(new Set(names).size).toBe(names.length);
    expect(() => readDebianPackages('lonely-package\n')).toThrow(/names nothing/);
  });

  it('is what both the bootstrap and .ci/run install: neither keeps a list of its own', () => {
    const ci = readFileSync(`${REPO}.ci/run`, 'utf8');
    const bootstrap = readFileSync(`${REPO}scripts/bootstrap.mjs`, 'utf8');
    expect(ci).toMatch(/^node scripts\/bootstrap\.mjs$/m);
    expect(bootstrap).toMatch(/from '\.\/debian-packages\.mjs'/);
    for (const text of [ci, bootstrap]) {
      // No package name written out beside an install: adding one here would let the lists drift.
      for (const name of packages.map((p) => p.name)) {
        expect(text, `${name} is named outside debian-packages.txt`).not.toMatch(
          new RegExp(`(^|[\\s'"])${name}([\\s'"]|$)`, 'm'),
        );
      }
    }
    expect(ci).not.toMatch(/apt-get install/);
  });

  it('on a machine with none of them, the bootstrap would install every one', () => {
    expect(missingPackages(packages, () => false)).toEqual(packages.map((p) => p.name));
    expect(missingPackages(packages, () => true)).toEqual([]);
    const withoutQemu = missingPackages(packages, (probe) => probe !== 'qemu-system-x86_64');
    expect(withoutQemu).toEqual(['qemu-system-x86']);
  });

  it('every command a test, the lab or the bench starts is on the list or part of every Debian system', () => {
    const spawned = sourceFiles('test', 'lab', 'bench', 'scripts').flatMap((file) =>
      spawnedCommands(file, readSource(file)),
    );
    // The scan sees the lab's real starters, so an empty or broken scan cannot pass.
    expect(spawned).toEqual(
      expect.arrayContaining([
        { file: 'lab/vm/vm.ts', command: 'qemu-system-x86_64' },
        { file: 'lab/vm/vm.ts', command: 'mkfs.ext4' },
        { file: 'lab/server.ts', command: 'nsenter' },
        { file: 'lab/image.ts', command: 'debootstrap' },
      ]),
    );
    const unprovided = spawned.filter(({ command }) => {
      const program = basename(command.split(/\s+/)[0]!);
      return !provided.has(program) && !BASE_SYSTEM.has(program);
    });
    expect(unprovided).toEqual([]);
  });

  it('the commands the lab and the bench check for before they start are on the list too', () => {
    const checked = [
      /const COMMANDS = \[([^\]]*)\]/.exec(readSource('lab/availability.ts'))?.[1],
      /const missing = \[([^\]]*)\]\.filter/.exec(readSource('bench/run.ts'))?.[1],
    ].flatMap((list) => [...(list ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!));
    expect(checked).toEqual(expect.arrayContaining(['systemd-nspawn', 'nsenter', 'expect']));
    expect(checked.filter((command) => !provided.has(command) && !BASE_SYSTEM.has(command))).toEqual([]);
  });

  it('the scan flags a tool that no listed package provides', () => {
    const text = `import { run } from '../run.js';\nawait run(\n  'mkfs.xfs', ['-q']);\nspawnSync('qemu-img', []);\n`;
    const commands = spawnedCommands('lab/vm/x.ts', text).map((c) => c.command);
    expect(commands).toEqual(['qemu-img', 'mkfs.xfs']);
    expect(commands.filter((c) => !provided.has(c))).toEqual(['qemu-img', 'mkfs.xfs']);
  });
});

describe('npm packages check (bootstrap)', () => {
  const lock = (version: string) =>
    JSON.stringify({
      packages: {
        '': {},
        'node_modules/ws': { version },
        'node_modules/fsevents': { version: '2', optional: true },
      },
    });
  it('judges node_modules by content, not by the lock file time', () => {
    expect(stalePackages(lock('8.1.0'), lock('8.1.0'))).toEqual([]);
    expect(stalePackages(lock('8.2.0'), lock('8.1.0'))).toEqual(['node_modules/ws']);
    expect(stalePackages(lock('8.2.0'), JSON.stringify({ packages: {} }))).toEqual(['node_modules/ws']);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { ja } from '../src/i18n/ja.js';
import { PROVIDERS } from './index.js';

/**
 * "A provider is one folder": outside providers/<id>/, the code names a provider's id only in the
 * registry line. Code that names it is a string literal holding the id (a branch on it, a path into
 * its folder, a value only it takes) or one of its credential variables; comments and prose may name vendors as examples, so they are
 * left out. Tests elsewhere use providers as their subjects and are not places a new provider must
 * touch, so test/ is not scanned; the shared tests in providers/ are.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'lab', 'scripts', 'bench', 'providers'];
const REGISTRY = 'providers/registry.ts';

/**
 * Places that still name a provider, each with the ids it may name and why. A new provider is in
 * none of them; an entry that no longer matches fails the test, so the list only shrinks.
 */
const KNOWN: Record<string, { ids: string[]; why: string }> = {
  'lab/demo.ts': { ids: ['conoha'], why: 'the demo tells one customer story, on ConoHa' },
  'lab/simulator/nova.ts': { ids: ['conoha'], why: 'Nova as ConoHa varies it, shared by two folders' },
  'src/i18n/messages/console.en.ts': {
    ids: ['conoha'],
    why: 'console URL help names a protocol by its host',
  },
  'src/i18n/messages/console.ja.ts': {
    ids: ['conoha'],
    why: 'console URL help names a protocol by its host',
  },
  'bench/report.ts': { ids: ['conoha'], why: 'the benchmark measures the path through one adapter' },
  'bench/rescue.ts': { ids: ['conoha'], why: 'the benchmark measures the path through one adapter' },
  'bench/run.ts': { ids: ['conoha'], why: 'the benchmark measures the path through one adapter' },
  'providers/conoha/index.ts': {
    ids: ['openstack'],
    why: 'ConoHa is an OpenStack cloud: its adapter builds on that one',
  },
  'providers/openstack/api-ref.test.ts': {
    ids: ['conoha'],
    why: "the Nova api-ref samples check ConoHa's fixtures too (same protocol)",
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|mts|js|json)$/.test(name) ? [path] : [];
  });
}

/** Source without comments, keeping string literals (a `//` inside a URL string stays). */
function withoutComments(source: string): string {
  return source.replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (match) =>
    match.startsWith('/') ? '' : match,
  );
}

function literalsNaming(source: string, id: string): string[] {
  const literals = withoutComments(source).match(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g) ?? [];
  const word = new RegExp(`(^|[^a-z0-9-])${id}($|[^a-z0-9-])`, 'i');
  return literals.filter((literal) => word.test(literal));
}

const ids = PROVIDERS.map((p) => p.id);
const self = relative(root, fileURLToPath(import.meta.url));
const files = SCANNED.flatMap((dir) => filesUnder(join(root, dir)))
  .map((path) => relative(root, path))
  .filter((file) => file !== self);
/** Variables a provider may list but that belong to no vendor: the user's own SSH agent. */
const NOBODYS = new Set(['SSH_AUTH_SOCK']);
/** A provider's credential variables are its own too (HCLOUD_TOKEN names Hetzner as surely as its id). */
const variablesOf = (id: string) => {
  const help = PROVIDERS.find((p) => p.id === id)!.credentialHelp;
  return [...new Set([...help.variables.flat(), ...help.optional])].filter((v) => !NOBODYS.has(v));
};
/** Folders a variable may appear in: every provider that declares it (ConoHa and OpenStack share OS_*). */
const ownersOf = (variable: string) => ids.filter((id) => variablesOf(id).includes(variable));

const mentions = files.flatMap((file) => {
  const source = readFileSync(join(root, file), 'utf8');
  const code = withoutComments(source);
  const outside = (owners: string[]) =>
    file !== REGISTRY && !owners.some((id) => file.startsWith(`providers/${id}/`));
  return ids.flatMap((id) => [
    ...(outside([id]) ? literalsNaming(source, id).map((literal) => ({ file, id, literal })) : []),
    ...variablesOf(id)
      .filter((variable) => outside(ownersOf(variable)) && new RegExp(`\\b${variable}\\b`).test(code))
      .map((variable) => ({ file, id, literal: variable })),
  ]);
});

describe('a provider is one folder', () => {
  it('the scanner sees a provider named in code (so an empty result means something)', () => {
    expect(literalsNaming(`const x = 'a'; // hetzner\nif (id === 'hetzner') run();`, 'hetzner')).toEqual([
      "'hetzner'",
    ]);
    expect(literalsNaming(`import { x } from './sakura-cloud/provider.js';`, 'sakura-cloud')).toHaveLength(1);
    expect(literalsNaming(`const u = 'https://x/hetzner-cloud';`, 'hetzner')).toEqual([]);
    expect(mentions.length).toBeGreaterThan(0);
  });

  it('outside its folder and the registry, no code names a provider, except the known places', () => {
    const unexpected = mentions.filter((m) => !KNOWN[m.file]?.ids.includes(m.id));
    expect(unexpected).toEqual([]);
  });

  it('every known place still names what it is listed for (the list only shrinks)', () => {
    for (const [file, { ids: listed }] of Object.entries(KNOWN)) {
      const named = new Set(mentions.filter((m) => m.file === file).map((m) => m.id));
      expect({ file, named: [...named].sort() }).toEqual({ file, named: [...listed].sort() });
    }
  });

  it('the registry names each provider on one import line and once in the list', () => {
    const registry = readFileSync(join(root, REGISTRY), 'utf8');
    for (const id of ids) {
      const lines = registry.split('\n').filter((line) => line.includes(`'./${id}/provider.js'`));
      expect(lines, id).toHaveLength(1);
    }
    expect(PROVIDERS.map((p) => p.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("each folder's messages are in the catalogue in both languages, and no two folders share a key", () => {
    const seen = new Map<string, string>();
    for (const entry of PROVIDERS) {
      expect(Object.keys(entry.hints.ja).sort(), entry.id).toEqual(Object.keys(entry.hints.en).sort());
      for (const [key, text] of Object.entries(entry.hints.en)) {
        expect(seen.get(key), `${key} in ${entry.id} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, entry.id);
        expect((en as Record<string, string>)[key]).toBe(text);
        expect((ja as Record<string, string>)[key]).toBe(entry.hints.ja[key]);
        expect(entry.hints.ja[key]?.trim(), key).toBeTruthy();
      }
    }
  });

  it('each folder keeps its own facts (README.md) and says whether the simulator serves it', () => {
    for (const entry of PROVIDERS) {
      const readme = readFileSync(join(root, 'providers', entry.id, 'README.md'), 'utf8');
      expect(readme.startsWith(`# ${entry.displayName}`), entry.id).toBe(true);
      if (entry.simulator.simulated) {
        expect(statSync(join(root, 'providers', entry.id, 'simulator.ts')).isFile(), entry.id).toBe(true);
      } else {
        expect(entry.simulator.reason.length, entry.id).toBeGreaterThan(20);
      }
    }
  });
});

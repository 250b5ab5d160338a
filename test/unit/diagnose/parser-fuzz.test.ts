import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/diagnose/collection.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';

/**
 * Property tests of the collector parser with a small seeded generator (the seed is in each test's
 * name, so a failure replays): random and adversarial outputs either parse to what the collector
 * meant or are refused with a typed error — never a section the collector did not write, never a
 * key file path outside the set the configuration names.
 */
const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(join(DIR, f), 'utf8'));
const REFUSALS = ['diagnose.bad-output', 'diagnose.rejected-output'];

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const hex = (s: string) => Buffer.from(s).toString('hex');
const nonceOf = (text: string) => /^@@VR (\S+) BEGIN$/m.exec(text)?.[1] ?? '';

/** What an attacker can put in a line the collector prints: bytes, markers, fake headers. */
function hostileLine(r: Rng, nonce: string): string {
  const pieces = [
    '@@VR ',
    `@@VR ${nonce.slice(0, 8)}`,
    '@@VR 00000000 BEGIN',
    `@@VR ${'f'.repeat(16)} 3 P 2`,
    'root:0:0::/bin/sh',
    'VR-RESULT ok /x',
    hex('/etc/passwd'),
    ' 2f 65 74 63',
    '\\n',
    '\\0057etc',
    '$',
    '\r',
    '',
    ' ',
    String.fromCharCode(r.int(256)),
    'K',
    '9',
  ];
  let out = '';
  for (let i = r.int(6); i >= 0; i--) out += r.pick(pieces);
  return out;
}

function refusedOrSame(text: string, original: Collection, nonce: string) {
  try {
    return { same: JSON.stringify(parseCollection(text, nonce)) === JSON.stringify(original) };
  } catch (err) {
    if (!isRescueError(err) || !REFUSALS.includes(err.code)) throw err;
    return { refused: err.code };
  }
}

/** Every key file path the parsed collection holds must be one the collector could have been asked for. */
function expectedPaths(c: Collection): (path: string) => boolean {
  const allowed = new Set<string>();
  for (const user of Object.values(c.users)) {
    const home = c.passwd.find((p) => p.name === user.name)?.home ?? '';
    for (const v of user.effective.values.authorizedkeysfile ?? [])
      for (const w of v.split(/\s+/).filter(Boolean)) {
        const e = w.replace(/%h/g, home).replace(/%u/g, user.name).replace(/%%/g, '%');
        allowed.add(e.startsWith('/') ? e : `${home}/${e}`);
      }
  }
  // The search for misplaced keys: at most four names below the home of a user asked about, never
  // one of the files that user's sshd reads (those come only from the configuration).
  const homes = Object.values(c.users).map((user) => ({
    home: c.passwd.find((p) => p.name === user.name)?.home ?? '',
    reads: user.keyFiles,
  }));
  const found = (p: string) =>
    homes.some(
      ({ home, reads }) =>
        home.startsWith('/') &&
        p.startsWith(`${home}/`) &&
        !reads.includes(p) &&
        p
          .slice(home.length + 1)
          .split('/')
          .every((n, _, all) => all.length <= 4 && n !== '' && n !== '.' && n !== '..'),
    );
  return (p) =>
    allowed.has(p) ||
    found(p) ||
    p === '/root/.ssh/authorized_keys' ||
    /^\/home\/[^/]+\/\.ssh\/authorized_keys$/.test(p);
}

function assertInsideExpectedSets(c: Collection) {
  const ok = expectedPaths(c);
  for (const [path, report] of Object.entries(c.keyFiles)) {
    expect(ok(path), path).toBe(true);
    expect(report.chain[0]?.path).toBe(path);
    expect(report.chain.at(-1)?.path).toBe('/');
    if (report.realPath !== undefined) expect(report.realPath.startsWith('/')).toBe(true);
  }
  for (const user of Object.values(c.users)) {
    for (const name of user.sshDir ?? []) expect(name.includes('/') || name === '..').toBe(false);
    for (const path of user.keyFiles) expect(c.keyFiles[path]).toBeDefined();
  }
}

describe('the collector parser under random and adversarial output', () => {
  it.each(FIXTURES.map((_, i) => [i]))('fixture %i parses and stays inside the expected sets', (i) => {
    assertInsideExpectedSets(parseCollection(FIXTURES[i]!));
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: inserted, dropped or changed lines are refused, never taken`, () => {
      const r = prng(seed);
      for (let round = 0; round < 150; round++) {
        const text = r.pick(FIXTURES);
        const nonce = nonceOf(text);
        const original = parseCollection(text, nonce);
        const lines = text.split('\n');
        const begin = lines.findIndex((l) => l.endsWith(' BEGIN'));
        const end = lines.findIndex((l) => / END \d+$/.test(l));
        const at = begin + 1 + r.int(end - begin - 1);
        const mutated = [...lines];
        const kind = r.int(3);
        if (kind === 0) mutated.splice(at, 0, hostileLine(r, nonce));
        else if (kind === 1) mutated.splice(at, 1);
        else mutated[at] = hostileLine(r, nonce);
        const outcome = refusedOrSame(mutated.join('\n'), original, nonce);
        // a changed body line inside a section may still parse (it is the server's own text), but never
        // into a path outside the expected sets; any other change must be refused
        if (!('refused' in outcome) && !outcome.same) {
          expect(kind, `round ${round}: ${JSON.stringify(mutated[at])}`).toBe(2);
          assertInsideExpectedSets(parseCollection(mutated.join('\n'), nonce));
        }
        if (kind !== 2) expect('refused' in outcome || outcome.same).toBe(true);
      }
    });
  }

  for (const seed of [11, 12, 13, 14]) {
    it(`seed ${seed}: forged whole runs without the nonce are never read`, () => {
      const r = prng(seed);
      for (let round = 0; round < 100; round++) {
        const text = r.pick(FIXTURES);
        const nonce = nonceOf(text);
        const forged = text.replaceAll(
          `@@VR ${nonce} `,
          `@@VR ${r.pick(['00000000', nonce.slice(1), `${nonce}0`])} `,
        );
        // the attacker's copy printed before the real run, and the real run cut off
        const noisy = `${forged}\n${text.slice(0, r.int(text.length))}`;
        const outcome = refusedOrSame(noisy, parseCollection(text, nonce), nonce);
        expect('refused' in outcome).toBe(true);
      }
    });
  }

  for (const seed of [21, 22, 23, 24]) {
    it(`seed ${seed}: well-framed sections with hostile contents never leave the expected sets`, () => {
      const r = prng(seed);
      const tags = [
        'V',
        't',
        'F',
        'x',
        'P',
        'G',
        'T',
        'S',
        'H',
        'Y',
        'K',
        'R',
        'C',
        'X',
        'Q',
        'E',
        'D',
        'J',
        '?',
      ];
      let parsed = 0;
      let keyFiles = 0;
      const paths = [
        '/etc/passwd',
        '/home/alice/.ssh/authorized_keys',
        '/root/.ssh/authorized_keys',
        '/',
        'x',
        '',
      ];
      for (let round = 0; round < 600; round++) {
        const nonce = 'abcdef0123456789';
        const sections: string[][] = [];
        const statLine = (p: string) =>
          r.int(20) ? r.pick(['600 1000 1000 10 1 regular file', '-', '755 0 0 4096 2 directory']) : hex(p);
        const climb = (p: string) => {
          const out = [statLine(p)];
          while (p !== '/' && p.startsWith('/')) {
            p = p.replace(/\/[^/]*$/, '') || '/';
            out.push(statLine(p));
          }
          return out;
        };
        const base = [
          ['V', 'OpenSSH_9.2'],
          ['t 0'],
          ['P', 'root:0:0:/root:/bin/sh', `alice:1000:1000:${r.pick(['/home/alice', '', '/'])}:/bin/sh`],
          ['G', 'root:0:'],
          [
            'T alice 0',
            `authorizedkeysfile ${r.pick(['.ssh/authorized_keys', '/etc/passwd', '%h/../../etc/passwd'])}`,
          ],
        ];
        for (const s of base) sections.push(s);
        // the file the configuration names, as the collector would print it, then random sections
        if (r.int(2))
          sections.push([
            `K ${hex('/home/alice/.ssh/authorized_keys')}`,
            ...climb('/home/alice/.ssh/authorized_keys'),
          ]);
        for (let n = r.int(3); n > 0; n--) {
          const tag = r.pick(tags);
          const p = r.pick(paths);
          if (tag === 'K' || tag === 'R')
            sections.push([`${tag} ${hex(p)}`, ...(r.int(2) ? climb(p) : [hostileLine(r, nonce)])]);
          else
            sections.push([
              `${tag}${r.int(2) ? ` ${r.pick(['alice', 'root', '1 0', hex(p)])}` : ''}`,
              hostileLine(r, nonce),
            ]);
        }
        sections.push(['Y'], ['E']);
        if (r.int(2)) sections.push([`K ${hex(r.pick(paths))}`, ...climb(r.pick(paths))]);
        sections.push(['J']);
        const framed = [`@@VR ${nonce} BEGIN`];
        sections.forEach(([head, ...body], i) =>
          framed.push(`@@VR ${nonce} ${i + 1} ${head} ${body.length}`, ...body),
        );
        framed.push(`@@VR ${nonce} END ${sections.length}`);
        try {
          const c = parseCollection(framed.join('\n'), nonce, ['alice', 'root']);
          assertInsideExpectedSets(c);
          parsed++;
          keyFiles += Object.keys(c.keyFiles).length;
        } catch (err) {
          if (!isRescueError(err)) throw err;
          expect(REFUSALS).toContain(err.code);
        }
      }
      // the generator must reach the parser's accepting paths too, key files included
      expect(parsed).toBeGreaterThan(5);
      expect(keyFiles).toBeGreaterThan(0);
    });
  }
});

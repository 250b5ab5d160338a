import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../../src/console/session.js';
import type { ByteTransport } from '../../../src/console/transport/types.js';
import { helperDefinition, posixCksum } from '../../../src/console/vnc/screen-pages.js';
import { LOST_OUTPUT } from '../../../src/console/vnc/screen-stream.js';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { fakeGetty } from './helpers.js';
import { ScreenOnlyTransport } from './screen-only.js';

const PW = 'CANARY-pw-3d61c0';
const dir = `/tmp/vr-pages-${process.pid}`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  clearSecretsForTest();
});

async function open(screenOnly: boolean) {
  const getty = fakeGetty({ users: { alice: PW } });
  let screen: ScreenOnlyTransport | undefined;
  const session = await ConsoleSession.open(async (): Promise<ByteTransport> => {
    if (!screenOnly) return getty.transport();
    screen = new ScreenOnlyTransport(getty.transport());
    return screen;
  });
  cleanups.push(
    () => session.close(),
    () => getty.kill(),
  );
  await session.login({ user: 'alice', password: PW, root: false });
  return { session, screen };
}

/** ~20 KB like the collector's: config lines, tabs, trailing blanks, long lines, random tokens. */
function bigOutput(): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 20_000; i++) {
    const token = randomBytes(12 + (i % 40)).toString('base64');
    lines.push(i % 7 === 0 ? `key${i}\tvalue ${token}  ` : `line ${i}: ${token} ${'x'.repeat(i % 90)}`);
  }
  return `${lines.join('\n')}\n`;
}

function fixture(name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = `${dir}/${name}`;
  writeFileSync(path, text);
  return path;
}

describe('screen-only consoles (VNC): long output through a file, read back in pages', () => {
  it('POSIX cksum matches the cksum command', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), randomBytes(70_000)]) {
      const want = execFileSync('cksum', { input: data, encoding: 'utf8' }).split(' ')[0];
      expect(String(posixCksum(data))).toBe(want);
    }
  });

  it('the paging functions keep output in a private directory that the shell removes at exit', () => {
    for (const pre of ['', 'mktemp(){ return 1;};']) {
      const script = `${pre}${helperDefinition(25)}\n{ echo hi;}>$VRO 2>&1;vf MK;ls -ld $VRT`;
      const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
      expect(out).toMatch(/\nMK-1-\d+ 3-0-\n/);
      const dirLine = out.split('\n').find((l) => l.startsWith('drwx------'))!;
      const path = dirLine.split(' ').pop()!;
      expect(path).toMatch(pre ? /^\/tmp\/vr\d+$/ : /\/tmp\.\w+$/);
      expect(() => execFileSync('test', ['-e', path])).toThrow();
    }
  });

  it('a 20 KB output comes back byte-exact; printed to that screen it would scroll away', async () => {
    const text = bigOutput();
    const path = fixture('big.txt', text);
    const { session, screen } = await open(true);
    const r = await session.run(`cat ${path}; (exit 4)`);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe(text);
    const paging = session.paging;
    // gzip+base64 of ~20 KB of random tokens: several pages of 20 rows, none read twice.
    expect(paging.pages).toBeGreaterThan(3);
    expect(paging.rereads).toBe(0);
    expect(screen!.lostOutput).toBe(0);
    // Small outputs come back with their marker: no page command.
    expect(await session.run('echo small; echo err >&2')).toEqual({ stdout: 'small\nerr\n', exitCode: 0 });
    expect(await session.run('printf abc')).toEqual({ stdout: 'abc', exitCode: 0 });
    expect(session.paging.pages).toBe(paging.pages);
  });

  it('a damaged page (misread glyph, unknown glyph) is read again, never guessed', async () => {
    const text = bigOutput();
    const path = fixture('big2.txt', text);
    const { session, screen } = await open(true);
    let damaged = 0;
    screen!.damage = (lines) => {
      // The first two reads with a full base64 row: one wrong but valid character, then an unknown glyph.
      const row = lines.findIndex((l) => /^[A-Za-z0-9+/]{76}\s*$/.test(l));
      if (row < 0 || damaged >= 2) return lines;
      damaged++;
      const l = lines[row]!;
      const bad = damaged === 1 ? (l[10] === 'A' ? 'B' : 'A') : '\uFFFD';
      return lines.map((x, i) => (i === row ? `${l.slice(0, 10)}${bad}${l.slice(11)}` : x));
    };
    const r = await session.run(`cat ${path}`);
    expect(damaged).toBe(2);
    expect(r.stdout).toBe(text);
    expect(session.paging.rereads).toBe(2);
    expect(session.transcript.text()).toMatch(/unreadable on the screen \(attempt 1\)/);
  });

  it('runScript pages the script output too; without gzip the plain packing is checked the same way', async () => {
    const text = bigOutput();
    const path = fixture('big3.txt', text);
    const { session } = await open(true);
    const r = await session.runScript({
      path: `${dir}/s.sh`,
      data: `cat ${path}\nexit 5\n`,
      before: `mkdir -p ${dir}`,
      after: 'echo after-line',
    });
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toBe(`${text}after-line\n`);
    const pages = session.paging.pages;
    // A shell function hides the gzip binary, as on a system without one.
    await session.run('gzip(){ return 127;}');
    const plain = await session.run(`cat ${path}`);
    expect(plain.stdout).toBe(text);
    expect(session.paging.pages - pages).toBeGreaterThan(pages);
  });

  it('a secret for the script is read silently on a screen-only console too, never shown', async () => {
    const { session } = await open(true);
    const secret = 'CANARY-screen-5d1a';
    const r = await session.runScript({
      path: `${dir}/env.sh`,
      data: 'printf "len %s\\n" "${#VRPW}"\n[ "$VRPW" = CANARY-screen-5d1a ] && echo same\n',
      before: `mkdir -p ${dir}`,
      env: { VRPW: secret },
    });
    expect(r.stdout).toBe(`len ${secret.length}\nsame\n`);
    expect(session.console.screen.text()).not.toContain(secret);
  });

  it('serial consoles are unchanged: no paging, same output', async () => {
    const text = 'one\ntwo\tthree\n';
    const path = fixture('small.txt', text);
    const { session } = await open(false);
    const typed = session.counters.bytesTyped;
    expect(await session.run(`cat ${path}`)).toEqual({ stdout: text, exitCode: 0 });
    expect(session.paging.pages).toBe(0);
    expect(session.counters.bytesTyped - typed).toBeLessThanOrEqual(`cat ${path}`.length + 30);
    expect(session.transcript.text()).not.toContain('vf ');
  });

  it('without paging, the same screen loses the middle of a long output (why paging exists)', async () => {
    const text = bigOutput();
    const path = fixture('big4.txt', text);
    const { session, screen } = await open(true);
    // Below the runner: type the command and read the stream, as the serial runner would.
    session.console.buffer.consume();
    session.console.type(`cat ${path};echo END-OF-IT\r`);
    const r = await session.console.expect([{ name: 'end', re: /\nEND-OF-IT/ }], {
      timeoutMs: 10_000,
      waitingFor: 'end',
    });
    expect(r.before).toContain(LOST_OUTPUT);
    expect(screen!.lostOutput).toBeGreaterThan(0);
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../../src/console/session.js';
import type { ByteTransport } from '../../../src/console/transport/types.js';
import { clearSecretsForTest, registerSecret } from '../../../src/secrets.js';
import { fakeGetty } from './helpers.js';

const PW = 'CANARY-pw-51ab77';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  clearSecretsForTest();
});

/** Drops one typed character, once, from the first write that contains `inside` (a lost keystroke). */
function losingOneKey(inner: ByteTransport, inside: RegExp): ByteTransport {
  let lost = false;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'write') return Reflect.get(target, prop, receiver) as unknown;
      return (data: Uint8Array | string) => {
        const text = Buffer.from(data).toString('latin1');
        const at = text.search(inside);
        if (lost || at < 0) return target.write(data);
        lost = true;
        target.write(Buffer.from(text.slice(0, at + 10) + text.slice(at + 11), 'latin1'));
      };
    },
  });
}

async function open(wrap: (t: ByteTransport) => ByteTransport = (t) => t) {
  const getty = fakeGetty({ users: { alice: PW } });
  const session = await ConsoleSession.open(async () => wrap(getty.transport()));
  cleanups.push(
    () => session.close(),
    () => getty.kill(),
  );
  await session.login({ user: 'alice', password: PW, root: false });
  return session;
}

/** A script big enough for several typed lines even compressed (random data does not compress). */
function scriptWritingTo(file: string): string {
  const filler = randomBytes(1500).toString('hex');
  return `# ${filler}\necho "ran with $VRPW" >> ${file}\necho out-line\nexit 7\n`;
}

describe('runScript: a script written and run in one command', () => {
  it('runs once with its environment, before and after lines; a few round trips for many lines', async () => {
    const session = await open();
    const dir = `/tmp/vr-script-${process.pid}`;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const secret = 'CANARY-env-9c1d';
    registerSecret(secret);
    const trips = session.counters.roundTrips;
    const r = await session.runScript({
      path: `${dir}/s.sh`,
      data: scriptWritingTo(`${dir}/ran`),
      before: `mkdir -p ${dir}`,
      after: 'echo after-line',
      env: { VRPW: secret },
    });
    expect(r.exitCode).toBe(7);
    expect(r.stdout.split(/\r?\n/).filter((l) => /-line$/.test(l))).toEqual(['out-line', 'after-line']);
    expect(readFileSync(`${dir}/ran`, 'utf8')).toBe(`ran with ${secret}\n`);
    // the secret's silent read (2), then about 3000 bytes gzip+base64 = 11 lines of 376: command,
    // 4 groups of 3, marker
    expect(session.counters.roundTrips - trips).toBeLessThanOrEqual(9);
    // The variable reached the script only: the shell no longer holds it.
    expect((await session.run('echo "[${VRPW-unset}]"')).stdout).toBe('[unset]\n');
    expect(session.transcript.text()).not.toContain(secret);
  });

  // The gzip header starts the first body line: H4sI as base64, abZy8 as Z85 (where basenc is).
  it('a lost keystroke in the script: the damaged copy never runs; it is sent again and runs once', async () => {
    const dir = `/tmp/vr-script-lost-${process.pid}`;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const session = await open((t) => losingOneKey(t, /H4sI|abZy8/));
    const r = await session.runScript({
      path: `${dir}/s.sh`,
      data: scriptWritingTo(`${dir}/ran`),
      before: `mkdir -p ${dir}`,
    });
    expect(r.exitCode).toBe(7);
    expect(readFileSync(`${dir}/ran`, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(session.transcript.text()).toMatch(/did not echo back; its checksum decides/);
    expect(session.transcript.text()).toMatch(/compressed transfer failed \(status 1\), trying the next way/);
  });

  it('without gzip on the server the plain form is checked with sha256 and runs', async () => {
    const session = await open();
    const dir = `/tmp/vr-script-plain-${process.pid}`;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const r = await session.runScript({
      path: `${dir}/s.sh`,
      data: 'echo plain-ok\n',
      // A shell function in the operator's shell hides the gzip binary, as on a system without one.
      before: `mkdir -p ${dir};gzip(){ return 127;}`,
    });
    expect(r).toMatchObject({ exitCode: 0 });
    expect(r.stdout).toContain('plain-ok');
    expect(session.transcript.text()).toMatch(/compressed transfer failed \(status 127\)/);
  });

  it("a second script continues the first script's gzip stream: shared text is not typed again", async () => {
    const session = await open();
    const dir = `/tmp/vr-script-chain-${process.pid}`;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const shared = randomBytes(1200).toString('hex');
    const script = (n: number) => `# ${shared}\necho script-${n}\n`;
    const first = await session.runScript({
      path: `${dir}/a.sh`,
      data: script(1),
      before: `mkdir -p ${dir}`,
    });
    expect(first.stdout).toContain('script-1');
    const typed = session.counters.bytesTyped;
    const second = await session.runScript({ path: `${dir}/b.sh`, data: script(2) });
    expect(second).toMatchObject({ exitCode: 0 });
    expect(second.stdout).toContain('script-2');
    expect(readFileSync(`${dir}/b.sh`, 'utf8')).toBe(script(2));
    // The 2400 shared characters (about 1600 base64 characters compressed on their own) are not sent again.
    expect(session.counters.bytesTyped - typed).toBeLessThan(500);
    expect(session.transcript.text()).toMatch(/b\.sh: \d+ bytes, continued/);
  });

  it('a stored part of the stream that changed on the server fails the CRC: the script goes whole, runs once', async () => {
    const session = await open();
    const dir = `/tmp/vr-script-chain-bad-${process.pid}`;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const shared = randomBytes(600).toString('hex');
    await session.runScript({
      path: `${dir}/a.sh`,
      data: `# ${shared}\necho one\n`,
      before: `mkdir -p ${dir}`,
    });
    // One byte inside the first script's compressed blocks flipped.
    await session.run(`printf '\\377' | dd of=${dir}/a.sh.z bs=1 seek=200 conv=notrunc 2>/dev/null`);
    const r = await session.runScript({
      path: `${dir}/b.sh`,
      data: `# ${shared}\necho two >> ${dir}/ran\n`,
    });
    expect(r).toMatchObject({ exitCode: 0 });
    expect(readFileSync(`${dir}/ran`, 'utf8')).toBe('two\n');
    expect(session.transcript.text()).toMatch(/continued transfer failed \(status 1\), trying the next way/);
    expect(readFileSync(`${dir}/b.sh`, 'utf8')).toBe(`# ${shared}\necho two >> ${dir}/ran\n`);
  });
});

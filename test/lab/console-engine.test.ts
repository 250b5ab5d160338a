import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type LabServer } from '../../lab/index.js';
import { ConsoleSession } from '../../src/console/session.js';
import { Transcript } from '../../src/console/transcript.js';
import { labDescribe } from '../support/lab-guard.js';
import { errorCodeOf } from '../support/error-code.js';

// Canary secrets: none of them may ever show up in a transcript, a log line or an error.
const ROOT_PW = 'CANARY-root-5b1d0c';
const ALICE_PW = 'CANARY-alice-93e2aa';
const BOB_PW = 'CANARY-bob-4417fe';

/** A printk line as the kernel would put it on a serial console, written there from the back door. */
function kmsg(server: LabServer, text: string): Promise<unknown> {
  return server.exec(`printf '[  123.456789] %s\\r\\n' ${JSON.stringify(text)} > /dev/console`);
}

labDescribe('console engine on a real lab console', () => {
  let server: LabServer;
  let lockedRoot: LabServer;
  const sessions: ConsoleSession[] = [];
  const transcriptDir = mkdtempSync(join(tmpdir(), 'vr-console-'));

  async function open(s: LabServer, name: string): Promise<ConsoleSession> {
    const session = await ConsoleSession.open(
      { kind: 'local', url: `unix:${s.consoleSocket}` },
      { transcript: new Transcript(join(transcriptDir, `${name}.jsonl`)) },
    );
    sessions.push(session);
    return session;
  }

  beforeAll(async () => {
    [server, lockedRoot] = await Promise.all([
      createServer({
        hostname: 'web01',
        rootPassword: ROOT_PW,
        users: [
          { name: 'alice', password: ALICE_PW, groups: ['sudo'], shell: '/bin/bash' },
          { name: 'bob', password: BOB_PW, shell: '/bin/sh' },
          { name: 'carol', password: BOB_PW, shell: '/bin/bash' },
          { name: 'dave', password: BOB_PW, shell: '/bin/bash' },
        ],
        commands: ['chage -d 0 carol', 'usermod --expiredate 1 dave'],
      }),
      createServer({
        hostname: 'db01',
        rootPassword: null,
        users: [{ name: 'alice', password: ALICE_PW, groups: ['sudo'], shell: '/bin/bash' }],
      }),
    ]);
    await Promise.all([
      server.console.waitFor(/login: $/m, 60_000),
      lockedRoot.console.waitFor(/login: $/m, 60_000),
    ]);
  });

  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await Promise.all([server?.destroy(), lockedRoot?.destroy()]);
  });

  it('root with a password: a root shell fast, commands, exit code 3, 10,000 lines, kernel noise', async () => {
    const s = await open(server, 'root');
    const t0 = Date.now();
    const login = await s.login({ user: 'root', password: ROOT_PW });
    const toRoot = Date.now() - t0;
    expect(login).toMatchObject({ uid: 0, loggedOut: [] });
    expect(await s.run('(exit 3)')).toEqual({ stdout: '', exitCode: 3 });
    const t1 = Date.now();
    const big = await s.run('seq 1 10000');
    expect(big.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i + 1)));
    // A kernel message lands in the middle of a command's output.
    const seen = server.console.length;
    const pending = s.run('echo before; sleep 0.4; echo after');
    await server.console.waitFor(/before/, 5000, seen);
    await kmsg(server, 'e1000: eth0 NIC Link is Down');
    expect(await pending).toEqual({ stdout: 'before\nafter\n', exitCode: 0 });
    const tRound = Date.now();
    await s.run('true');
    const roundTrip = Date.now() - tRound;
    console.log(
      `bench: connect ${s.timings.connectMs} ms, login to root shell ${toRoot} ms, seq 10000 ${tRound - t1} ms, ` +
        `round trip ${roundTrip} ms, counters ${JSON.stringify(s.counters)}`,
    );
    await s.close({ logout: true });
  });

  it('wrong password then right, as a sudo user who becomes root; kernel message during login', async () => {
    const s = await open(server, 'alice');
    expect(await errorCodeOf(s.login({ user: 'alice', password: 'wrong-pw-x1' }))).toBe(
      'console.login-failed',
    );
    const seen = server.console.length;
    const pending = s.login({ user: 'alice', password: ALICE_PW });
    await server.console.waitFor(/Password: $/m, 10_000, seen);
    await kmsg(server, 'systemd-journald[93]: injected during login');
    expect(await pending).toMatchObject({ uid: 0, shell: '-bash' });
    expect((await s.run('echo $SUDO_USER')).stdout).toBe('alice\n');
    await s.close();
  });

  it('a shell left open is identified and logged out before a fresh login; a 20 KiB upload; a reconnect', async () => {
    const s = await open(server, 'reuse');
    // The previous test left alice's sudo root shell on top of her login shell: both are left first.
    const login = await s.login({ user: 'alice', password: ALICE_PW });
    expect(login).toMatchObject({ loggedOut: [{ uid: 0, user: 'root' }], uid: 0 });
    expect(s.transcript.text()).toMatch(/a shell was open on the console \(uid 0 \(root\)\)/);
    const data = Buffer.alloc(20 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 9)) & 0xff;
    await s.upload('/root/upload.bin', data, { mode: '0600' });
    const onServer = await server.execChecked('sha256sum /root/upload.bin; stat -c %a /root/upload.bin');
    expect(onServer).toContain(createHash('sha256').update(data).digest('hex'));
    expect(onServer.trim().endsWith('600')).toBe(true);
    await s.run('KEEP=still-here');
    await s.reconnect();
    expect((await s.run('echo $KEEP; id -u')).stdout).toBe('still-here\n0\n');
    await s.close({ logout: true });
  });

  it('a non-bash shell (dash); expired password and expired account are recognised', async () => {
    const s = await open(server, 'bob');
    const login = await s.login({ user: 'bob', password: BOB_PW, root: false });
    expect(login.shell).toMatch(/sh$/);
    expect(login.shell).not.toMatch(/bash/);
    expect(await s.run('echo $((6*7)); exit_code() { return 3; }; exit_code')).toEqual({
      stdout: '42\n',
      exitCode: 3,
    });
    await s.close({ logout: true });
    const carol = await open(server, 'carol');
    expect(await errorCodeOf(carol.login({ user: 'carol', password: BOB_PW }))).toBe(
      'console.password-expired',
    );
    await carol.close();
    const dave = await open(server, 'dave');
    expect(await errorCodeOf(dave.login({ user: 'dave', password: BOB_PW }))).toBe('console.account-locked');
    await dave.close();
  });

  it('locked root: root login fails, the sudo user gets a root shell', async () => {
    const s = await open(lockedRoot, 'locked-root');
    expect(await errorCodeOf(s.login({ user: 'root', password: ROOT_PW }))).toBe('console.login-failed');
    const login = await s.login({ user: 'alice', password: ALICE_PW });
    expect(login.uid).toBe(0);
    await s.close({ logout: true });
  });

  it('canary: no secret in any transcript file or transcript text', () => {
    for (const session of sessions) {
      const text = session.transcript.text();
      for (const secret of [ROOT_PW, ALICE_PW, BOB_PW]) expect(text).not.toContain(secret);
    }
    for (const name of ['root', 'alice', 'reuse', 'bob', 'locked-root']) {
      const file = readFileSync(join(transcriptDir, `${name}.jsonl`), 'utf8');
      expect(file.length).toBeGreaterThan(100);
      for (const secret of [ROOT_PW, ALICE_PW, BOB_PW]) expect(file).not.toContain(secret);
    }
  });
});

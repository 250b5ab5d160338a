import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { ConsoleSession } from '../../../src/console/session.js';
import { fakeGetty, type FakeGettyOptions } from './helpers.js';
import { errorCodeOf } from '../../support/error-code.js';

const PW = 'CANARY-pw-7f3e91';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  clearSecretsForTest();
});

async function open(opts: Partial<FakeGettyOptions> = {}) {
  const getty = fakeGetty({ users: { alice: PW }, ...opts });
  const session = await ConsoleSession.open(async () => getty.transport());
  cleanups.push(
    () => session.close(),
    () => getty.kill(),
  );
  return { getty, session };
}

describe('ConsoleSession on a fake getty in front of a real bash', () => {
  it('logs in, runs commands with exit codes, output with and without a final newline', async () => {
    const { session } = await open();
    const login = await session.login({ user: 'alice', password: PW, root: false });
    expect(login.loggedOut).toEqual([]);
    expect(await session.run('echo hello; (exit 3)')).toEqual({ stdout: 'hello\n', exitCode: 3 });
    expect(await session.run('printf abc')).toEqual({ stdout: 'abc', exitCode: 0 });
    expect(await session.run('true')).toEqual({ stdout: '', exitCode: 0 });
    expect(await errorCodeOf(session.check('false', 'probe'))).toBe('console.command-failed');
    const c = session.counters;
    expect(c.commands).toBeGreaterThanOrEqual(5);
    expect(c.roundTrips).toBeGreaterThanOrEqual(2 * c.commands);
    // Per command: the command, the marker printf (~27 bytes) and Enter — nothing else typed.
    const before = session.counters.bytesTyped;
    await session.run('true');
    expect(session.counters.bytesTyped - before).toBeLessThanOrEqual('true'.length + 30);
  });

  it('wrong password then right: login-failed, then a shell; the password is typed only at Password:', async () => {
    const { session, getty } = await open();
    expect(await errorCodeOf(session.login({ user: 'alice', password: 'wrong-pw-1', root: false }))).toBe(
      'console.login-failed',
    );
    await session.login({ user: 'alice', password: PW, root: false });
    expect(getty.passwordsSeen).toEqual(['wrong-pw-1', PW]);
  });

  it('never types the password into a Password: prompt it did not ask for', async () => {
    const { session, getty } = await open({ startAtPassword: true });
    getty.start();
    await session.login({ user: 'alice', password: PW, root: false });
    expect(getty.passwordsSeen).toEqual(['', PW]);
  });

  it('a shell left logged in is identified and logged out, then a fresh login; survives a reconnect', async () => {
    const { session, getty } = await open();
    await session.login({ user: 'alice', password: PW, root: false });
    await session.close();
    const again = await ConsoleSession.open(async () => getty.transport());
    cleanups.push(() => again.close());
    const login = await again.login({ user: 'alice', password: PW, root: false });
    expect(login.loggedOut).toEqual([{ uid: process.getuid!(), user: userInfo().username }]);
    // The password went to the fresh login's Password: prompt only, never into the shell found open.
    expect(getty.passwordsSeen).toEqual([PW, PW]);
    await again.run('X=kept');
    await again.reconnect();
    expect((await again.run('echo $X')).stdout).toBe('kept\n');
    expect(again.counters.reconnects).toBe(1);
  });

  it('recognises a locked account and a forced password change without typing into it', async () => {
    const locked = await open({
      refuse: { alice: 'Your account has expired; please contact your system administrator.\r\n' },
    });
    expect(await errorCodeOf(locked.session.login({ user: 'alice', password: PW }))).toBe(
      'console.account-locked',
    );
    const expired = await open({
      refuse: {
        alice:
          'You are required to change your password immediately (administrator enforced).\r\nCurrent password: ',
      },
    });
    expect(await errorCodeOf(expired.session.login({ user: 'alice', password: PW }))).toBe(
      'console.password-expired',
    );
    expect(expired.getty.passwordsSeen).toEqual([PW]);
  });

  it('a refusal whose words never reached the console is asked once more, then reported', async () => {
    // login exits and getty comes back with nothing said (the words were lost on the way).
    const silent = await open({ refuse: { alice: ' ' } });
    expect(await errorCodeOf(silent.session.login({ user: 'alice', password: PW }))).toBe(
      'console.login-failed',
    );
    expect(silent.getty.passwordsSeen).toEqual([PW, PW]);
    expect(silent.session.transcript.text()).toContain('login ended without a reason reaching the console');
  });

  it('a login that timed out after the password leaves no shell behind once it shows up', async () => {
    // The shell appears only after the login gave up waiting (a slow profile).
    const { session } = await open({ shell: "bash -c 'sleep 3; exec bash --norc --noprofile -i'" });
    expect(
      await errorCodeOf(session.login({ user: 'alice', password: PW, root: false, timeoutMs: 1500 })),
    ).toBe('console.no-prompt');
    expect(session.transcript.text()).toMatch(/unset HISTFILE;exit/);
    // getty is back: the next login is a fresh one, with no shell found open.
    const again = await session.login({ user: 'alice', password: PW, root: false });
    expect(again.loggedOut).toEqual([]);
  }, 20_000);

  it('kernel messages during login and spliced into command output are cut out', async () => {
    const { session, getty } = await open();
    getty.injectAfter(/\$ $/, '[   42.123456] EXT4-fs (sda1): re-mounted. Quota mode: none.\r\n');
    await session.login({ user: 'alice', password: PW, root: false });
    getty.injectAfter(/line-2/, '[  100.000001] kmsg: injected\r\n');
    const r = await session.run('printf "line-1\\nline-2"; sleep 0.05; printf -- "-tail\\nline-3\\n"');
    expect(r).toEqual({ stdout: 'line-1\nline-2-tail\nline-3\n', exitCode: 0 });
    expect(session.transcript.text()).toContain('kmsg: injected');
  });

  it('a command with 10,000 lines of output, binary bytes, and a 20 KiB upload verified by checksum', async () => {
    const { session } = await open();
    await session.login({ user: 'alice', password: PW, root: false });
    const big = await session.run('seq 1 10000');
    const lines = big.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(10_000);
    expect(lines[9999]).toBe('10000');
    const bin = await session.run("printf 'a\\377\\033]x\\033[12b'");
    expect(bin.exitCode).toBe(0);
    expect(bin.stdout.startsWith('a\ufffd')).toBe(true);
    const data = Buffer.alloc(20 * 1024, 0);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 8)) & 0xff;
    const path = `/tmp/vr-upload-${process.pid}.bin`;
    await session.upload(path, data);
    const sum = await session.run(`sha256sum ${path}; rm -f ${path}`);
    expect(sum.stdout).toContain(createHash('sha256').update(data).digest('hex'));
  });

  it('canary: the password never reaches the transcript or an error, even when the remote echoes it', async () => {
    const { session } = await open({ echoPassword: true });
    const err = await session
      .login({ user: 'alice', password: `${PW}x`, root: false })
      .catch((e: unknown) => e);
    await session.login({ user: 'alice', password: PW, root: false });
    expect(session.transcript.text()).toContain('***');
    expect(session.transcript.text()).not.toContain(PW);
    expect(JSON.stringify(err) + String(err)).not.toContain(PW);
  });
});

import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../../src/console/session.js';
import { StreamTransport } from '../../../src/console/transport/local.js';
import { rescueConsoleShell } from '../../../src/rescue/shells/rescue-console-shell.js';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { errorCodeOf } from '../../support/error-code.js';
import { fakeGetty } from '../console/helpers.js';

const SECRET = 'CANARY-finnix-window-pw-41b7';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  clearSecretsForTest();
});

/**
 * A Finnix-like console: a real bash in a pty, logged in as nobody asked (as getty's autologin leaves
 * it), whose privileged tools are stubs that record what they were asked: id says uid 0 (or
 * FAKE_UID), mount/umount only log, mountpoint answers from marker files, and chroot logs and starts
 * an interactive dash (its end logged too). Everything else (the typed lines, uploads, the mount
 * script's search, mkdir) runs for real. The server's disk is a directory with an sshd_config.
 */
function fakeFinnix(opts: { uid?: number; bootSeconds?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vr-finnix-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'log');
  const disk = join(dir, 'disk');
  const stuck = join(dir, 'stuck');
  mkdirSync(bin);
  mkdirSync(join(disk, 'etc', 'ssh'), { recursive: true });
  writeFileSync(join(disk, 'etc', 'ssh', 'sshd_config'), 'PasswordAuthentication no\n');
  writeFileSync(log, '');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('id', `case "$1" in -u) echo ${opts.uid ?? 0};; -un) echo root;; *) echo 'uid=0(root)';; esac`);
  stub('mount', `echo "mount $*" >> ${log}`);
  stub('umount', `echo "umount $*" >> ${log}`);
  stub('mountpoint', `[ -e ${stuck} ]`);
  const noShell = join(dir, 'no-shell');
  stub(
    'chroot',
    [
      `echo "chroot $*" >> ${log}`,
      `[ -e ${noShell} ] && { echo "chroot: failed to run command '/bin/sh': No such file or directory"; exit 127; }`,
      `shift; env PS1='# ' "$@"; echo chroot-exit >> ${log}`,
    ].join('\n'),
  );
  const bash = 'bash --norc --noprofile -i';
  const boot = opts.bootSeconds ? `sleep ${opts.bootSeconds}; exec ${bash}` : bash;
  const child = spawn('script', ['-qfec', boot, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      TERM: 'vt100',
      PS1: 'root@finnix ~ # ',
      LANG: 'C',
    },
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  stream.on('error', () => {});
  cleanups.push(
    () => child.kill('SIGKILL'),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return {
    disk,
    log: () => readFileSync(log, 'utf8'),
    stick: () => writeFileSync(stuck, ''),
    breakShell: () => writeFileSync(noShell, ''),
    console: async () => new StreamTransport(stream, 'fake:finnix'),
    kill: () => child.kill('SIGKILL'),
    get exited() {
      return exited;
    },
  };
}

describe('the rescue system through its console (Finnix on Lish)', () => {
  it('adopts the root shell, mounts the disk, works chrooted; close leaves the chroot, unmounts, then exits rescue', async () => {
    const finnix = fakeFinnix();
    const transcriptPath = join(tmpdir(), `vr-finnix-transcript-${process.pid}.jsonl`);
    cleanups.push(() => rmSync(transcriptPath, { force: true }));
    const calls: string[] = [];
    const shell = await rescueConsoleShell({
      console: finnix.console,
      disks: [finnix.disk],
      via: 'rescue system (linode), its console',
      transcript: transcriptPath,
      leave: async () => {
        calls.push(`leave after:\n${finnix.log()}`);
      },
    });
    expect(shell.offline).toBe(true);
    expect(shell.via).toBe('rescue system (linode), its console');
    // The vendor's disk was taken as it is (a directory) and the system directories bound into it.
    const log = finnix.log();
    expect(log).toContain(`mount --bind /proc ${finnix.disk}/proc`);
    expect(log).toContain(`chroot ${finnix.disk} /bin/sh -i`);
    // Inside: the chroot's own shell, set up as a console shell (our prompt, exit codes, scripts).
    expect(await shell.run('echo "$0"; (exit 4)')).toEqual({ stdout: '/bin/sh\n', exitCode: 4 });
    const script = await shell.runScript({
      path: join(finnix.disk, 'probe.sh'),
      script: 'printf %s "$VRPW" | wc -c\n',
      env: { VRPW: SECRET },
    });
    expect(script).toMatchObject({ stdout: `${SECRET.length}\n`, exitCode: 0 });
    expect(shell.counters!.commands).toBeGreaterThan(3);

    await shell.close();
    await shell.close();
    expect(calls).toHaveLength(1);
    const [, order] = calls[0]!.split('leave after:\n');
    const at = (text: string) => order!.indexOf(text);
    expect(at('chroot-exit')).toBeGreaterThan(at('chroot '));
    expect(at(`umount ${finnix.disk}/sys`)).toBeGreaterThan(at('chroot-exit'));
    expect(at(`umount ${finnix.disk}/proc`)).toBeGreaterThan(at(`umount ${finnix.disk}/sys`));
    // The rescue system's own shell is not logged out (a reboot ends it), and no secret was recorded.
    expect(finnix.exited).toBe(false);
    expect(readFileSync(transcriptPath, 'utf8')).not.toContain(SECRET);
  });

  it('a rescue system still booting when its console opens: Enter again until its shell shows', async () => {
    const finnix = fakeFinnix({ bootSeconds: 1 });
    const session = await ConsoleSession.open(finnix.console);
    cleanups.push(() => session.close());
    const info = await session.adoptRootShell({ nudgeMs: 300, timeoutMs: 10_000 });
    expect(info.uid).toBe(0);
    // Silent for longer than one wait: it pressed Enter again instead of giving up.
    const again = session.transcript.list().filter((e) => /Enter again/.test(e.text));
    expect(again.length).toBeGreaterThanOrEqual(2);
    expect((await session.run('echo up')).stdout).toBe('up\n');
  });

  it('a login prompt instead of a shell is console.rescue-login: nothing typed into it, rescue not left here', async () => {
    const getty = fakeGetty({ users: { root: 'x' }, host: 'finnix' });
    cleanups.push(() => getty.kill());
    const left: string[] = [];
    const opening = rescueConsoleShell({
      console: async () => getty.transport(),
      via: 'x',
      shellTimeoutMs: 10_000,
      leave: async () => void left.push('leave'),
    });
    setTimeout(() => getty.start(), 100);
    expect(await errorCodeOf(opening)).toBe('console.rescue-login');
    expect(getty.passwordsSeen).toEqual([]);
    expect(left).toEqual([]);
  });

  it('a console shell that is not root is refused (console.no-root), nothing mounted', async () => {
    const finnix = fakeFinnix({ uid: 1000 });
    const opening = rescueConsoleShell({ console: finnix.console, via: 'x', leave: async () => {} });
    expect(await errorCodeOf(opening)).toBe('console.no-root');
    expect(finnix.log()).toBe('');
  });

  it('a disk whose /bin/sh does not start: console.command-failed, unmounted again, rescue left by the caller', async () => {
    const finnix = fakeFinnix();
    finnix.breakShell();
    const left: string[] = [];
    const opening = rescueConsoleShell({
      console: finnix.console,
      disks: [finnix.disk],
      via: 'x',
      leave: async () => void left.push('leave'),
    });
    expect(await errorCodeOf(opening)).toBe('console.command-failed');
    expect(finnix.log()).toContain(`umount ${finnix.disk}/proc`);
    expect(left).toEqual([]);
  });

  it('an unmount that fails, or a console that breaks, still exits rescue', async () => {
    for (const fault of ['unmount', 'console'] as const) {
      const finnix = fakeFinnix();
      const left: string[] = [];
      const shell = await rescueConsoleShell({
        console: finnix.console,
        disks: [finnix.disk],
        via: 'x',
        leave: async () => void left.push('leave'),
      });
      if (fault === 'unmount') finnix.stick();
      else finnix.kill();
      await shell.close();
      expect(left, fault).toEqual(['leave']);
    }
  });

  it('a failing exit from rescue is what close() reports', async () => {
    const finnix = fakeFinnix();
    const shell = await rescueConsoleShell({
      console: finnix.console,
      disks: [finnix.disk],
      via: 'x',
      leave: async () => {
        throw new Error('reboot refused');
      },
    });
    await expect(shell.close()).rejects.toThrow('reboot refused');
  });
});

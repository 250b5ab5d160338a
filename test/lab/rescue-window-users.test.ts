import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, type BootedScenario } from '../../lab/index.js';
import { main } from '../../src/cli/main.js';
import { closeWindow, extendWindow, listWindows, withServerShell } from '../../src/rescue/window-admin.js';
import { labDescribe } from '../support/lab-guard.js';
import { openWindow, refusedWithin, sleep, staffShell } from './window-support.js';

/*
 * Password windows of several users on one real server, and a closer that finds sshd's configuration
 * broken at closing time. Staff's list/close/extend go through the console, as a rescue does.
 */

const BOB = 'Bob-pw-51e0';

const login = (b: BootedScenario, user: string, password: string) => b.server.sshLogin({ user, password });

/**
 * Each console session ends with a logout, and systemd restarts console-getty for the next one; more
 * than five restarts in 10 s hit its start limit and the console shows no prompt any more. Staff
 * type slower than a test, so the test paces its sessions.
 */
const pace = () => sleep(2500);

/** Staff's root shell on the lab server's console, as `vps-rescue window … --console unix:…` gets it. */
async function staff<T>(b: BootedScenario, work: Parameters<typeof withServerShell<T>>[1]) {
  await pace();
  return staffShell(b.server, work);
}

/** `vps-rescue window …` as staff type it, through the lab server's console. */
async function cli(b: BootedScenario, args: string[]) {
  await pace();
  const out: string[] = [];
  const err: string[] = [];
  const console = ['--host', b.server.address, '--console', `unix:${b.server.consoleSocket}`];
  const code = await main(['window', ...args, ...console, '--password-env', 'VR_TEST_PW'], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { VR_TEST_PW: PASSWORDS.root },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function withBob(): Promise<BootedScenario> {
  const b = await bootScenario('story-wrong-dir');
  await b.server.execChecked(`useradd -m -s /bin/bash bob && echo 'bob:${BOB}' | chpasswd`);
  return b;
}

labDescribe('password windows of several users', () => {
  describe.concurrent('coexist', () => {
    it("bob's window survives alice's opening and closing; list, close and extend act on one user", async ({
      expect,
    }) => {
      const b = await withBob();
      try {
        expect((await login(b, 'bob', BOB)).refused).toBe(true);
        const rb = await openWindow(b.server, 'bob', BOB);
        const ra = await openWindow(b.server, 'alice', PASSWORDS.alice);
        expect(rb.ok && ra.ok).toBe(true);
        // Each window is its own drop-in, timer and boot unit.
        const files = await b.server.execChecked(
          'ls /etc/ssh/sshd_config.d/ /etc/vps-rescue/; systemctl is-active vps-rescue-window-alice.timer vps-rescue-window-bob.timer',
        );
        for (const name of [
          '00-vps-rescue-alice.conf',
          '00-vps-rescue-bob.conf',
          'close-window-alice',
          'close-window-bob',
        ])
          expect(files).toContain(name);
        expect(files.match(/^active$/gm)).toHaveLength(2);
        expect((await login(b, 'bob', BOB)).ok).toBe(true);
        expect((await login(b, 'alice', PASSWORDS.alice)).ok).toBe(true);

        const listed = await staff(b, (shell) => listWindows(shell));
        expect(listed.windows.map((w) => [w.user, w.armed, w.where]).sort()).toEqual([
          ['alice', 'armed', 'dropin'],
          ['bob', 'armed', 'dropin'],
        ]);
        expect(Math.abs(listed.skewSeconds)).toBeLessThan(5);
        const bobBefore = listed.windows.find((w) => w.user === 'bob')!;
        // The window's times are the server's: one hour from when the server opened it.
        expect(Date.parse(bobBefore.until!) - Date.parse(bobBefore.opened!)).toBe(3_600_000);

        const shown = await cli(b, ['list']);
        expect(shown.code).toBe(0);
        expect(shown.out).toMatch(
          /^alice: opened \S+Z, closes \S+Z \(the closer is armed; drop-in in sshd_config\.d\)$/m,
        );
        expect(shown.out).toMatch(/^bob: opened \S+Z, closes \S+Z \(the closer is armed; /m);
        const closed = await cli(b, ['close', '--user', 'alice']);
        expect(closed).toMatchObject({ code: 0 });
        expect(closed.out).toContain('The password window of alice is closed');
        expect((await login(b, 'alice', PASSWORDS.alice)).refused).toBe(true);
        expect((await login(b, 'bob', BOB)).ok).toBe(true);
        expect(await b.server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toMatchObject({
          code: 1,
        });
        // Closed early, alice's timer is gone; bob's runs on.
        expect(
          await b.server.exec(
            'systemctl is-active vps-rescue-window-alice.timer vps-rescue-window-bob.timer',
          ),
        ).toMatchObject({ stdout: 'inactive\nactive\n' });
        await expect(staff(b, (shell) => closeWindow(shell, 'alice'))).rejects.toMatchObject({
          code: 'window.not-found',
        });
        const again = await cli(b, ['close', '--user', 'alice']);
        expect(again.code).toBe(4);
        expect(again.err).toMatch(/no password window is open for alice .*\[window\.not-found\]$/);

        const until = await staff(b, (shell) => extendWindow(shell, 'bob', 30));
        expect(Date.parse(until) - Date.parse(bobBefore.until!)).toBeGreaterThanOrEqual(30 * 60_000);
        expect(Date.parse(until) - Date.parse(bobBefore.until!)).toBeLessThan(30 * 60_000 + 5000);
        const after = await staff(b, (shell) => listWindows(shell));
        expect(after.windows.map((w) => [w.user, w.until, w.armed])).toEqual([['bob', until, 'armed']]);
        await expect(staff(b, (shell) => extendWindow(shell, 'bob', 24 * 60 + 1))).rejects.toMatchObject({
          code: 'usage',
        });
        expect((await login(b, 'bob', BOB)).ok).toBe(true);
        const log = await b.server.execChecked('cat /var/backups/vps-rescue/windows.log');
        expect(log).toMatch(/ alice closed \(now\): its block removed$/m);
        expect(log).toMatch(/ bob extended by 1800 s/);
      } finally {
        await b.server.destroy();
      }
    });

    it('a short window of alice closes by itself while bob keeps his', async ({ expect }) => {
      const b = await withBob();
      try {
        await openWindow(b.server, 'bob', BOB);
        await openWindow(b.server, 'alice', PASSWORDS.alice, { windowMinutes: 0.2 });
        expect((await login(b, 'alice', PASSWORDS.alice)).ok).toBe(true);
        expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 40_000)).toBe(true);
        expect((await login(b, 'bob', BOB)).ok).toBe(true);
        // The closer logs right after its reload: the refusal can come a moment before the line.
        await b.server.waitFor(
          "journalctl -o cat -t vps-rescue | grep -q 'password window of alice: closed (timer): its block removed'",
          10_000,
          'the closing in the journal',
        );
      } finally {
        await b.server.destroy();
      }
    });
    it('an extension re-arms the timer: the first deadline passes, the window closes by itself at the new one', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await openWindow(b.server, 'alice', PASSWORDS.alice, { windowMinutes: 0.2 });
        const until = await staff(b, (shell) => extendWindow(shell, 'alice', 1));
        await sleep(25_000);
        expect((await login(b, 'alice', PASSWORDS.alice)).ok).toBe(true);
        expect((await b.server.exec('systemctl is-active vps-rescue-window-alice.timer')).stdout.trim()).toBe(
          'active',
        );
        const shown = await cli(b, ['list']);
        expect(shown.code).toBe(0);
        expect(shown.out).toMatch(
          /^alice: opened \S+Z, closes \S+Z \(the closer is armed; drop-in in sshd_config\.d\)$/m,
        );
        expect(shown.out).toContain(`closes ${until}`);
        // The re-armed timer closes the window at the new deadline (about a minute after opening).
        expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 90_000)).toBe(true);
        await b.server.waitFor(
          "grep -q ' alice closed (timer): its block removed$' /var/backups/vps-rescue/windows.log",
          10_000,
          'the closing in the log',
        );
        const log = await b.server.execChecked('cat /var/backups/vps-rescue/windows.log');
        expect(log).toMatch(/ alice extended by 60 s: closes in \d+ s at \d+$/m);
        const closedAt = Date.parse(/^(\S+) alice closed \(timer\)/m.exec(log)![1]!);
        expect(closedAt).toBeGreaterThanOrEqual(Date.parse(until) - 1000);
        expect(closedAt).toBeLessThan(Date.parse(until) + 10_000);
        expect(
          (await b.server.exec('systemctl is-active vps-rescue-window-alice.timer')).stdout.trim(),
        ).not.toBe('active');
      } finally {
        await b.server.destroy();
      }
    });
  });

  describe.concurrent('a rollback', () => {
    it('of a window opened again puts the earlier one back with its timer armed', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        expect((await openWindow(b.server, 'alice', PASSWORDS.alice, { windowMinutes: 30 })).ok).toBe(true);
        // alice's password gets locked, so the next run sets one and opens her window again; a
        // drop-in read before ours makes that window ineffective, so the transaction rolls back.
        await b.server.execChecked('passwd -l alice');
        await b.server.writeFile(
          '/etc/ssh/sshd_config.d/00-a-customer.conf',
          'Match User alice\n\tPasswordAuthentication no\n',
        );
        const again = await openWindow(b.server, 'alice', PASSWORDS.alice, {
          windowMinutes: 5,
          resetPassword: true,
        }).catch((e: unknown) => e);
        expect(again).toMatchObject({ code: 'rescue.rolled-back' });
        await b.server.waitFor(
          'systemctl is-active -q vps-rescue-window-alice.timer',
          15_000,
          'the timer re-armed',
        );
        const state = (await b.server.execChecked('cat /etc/vps-rescue/window-alice')).trim().split(' ');
        expect(Number(state[2]) - Number(state[1])).toBe(1800);
      } finally {
        await b.server.destroy();
      }
    });
  });

  describe.concurrent('sshd -t fails at closing time', () => {
    it('the closer still turns password login off, sshd keeps running, the broken file is kept', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        const r = await openWindow(b.server, 'alice', PASSWORDS.alice, { windowMinutes: 0.3 });
        expect(r.ok).toBe(true);
        // The customer edits sshd's configuration during the window and leaves a typo in it.
        await b.server.writeFile('/etc/ssh/sshd_config.d/50-customer.conf', 'PasswordAuthentcation no\n');
        expect((await b.server.exec('sshd -t')).code).not.toBe(0);
        expect((await login(b, 'alice', PASSWORDS.alice)).ok).toBe(true);
        expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 45_000)).toBe(true);
        expect((await b.server.exec('systemctl is-active ssh')).stdout.trim()).toBe('active');
        expect((await b.server.exec('sshd -t')).code).toBe(0);
        expect(await b.server.exec('test -e /etc/ssh/sshd_config.d/50-customer.conf')).toMatchObject({
          code: 1,
        });
        const kept = await b.server.execChecked(
          'cat /var/backups/vps-rescue/window-alice-*/sshd_config.d/50-customer.conf',
        );
        expect(kept).toBe('PasswordAuthentcation no\n');
        await b.server.waitFor(
          "grep -q 'alice closed (timer): sshd -t failed (' /var/backups/vps-rescue/windows.log",
          10_000,
          'the closing in the log',
        );
        const log = await b.server.execChecked('cat /var/backups/vps-rescue/windows.log');
        // sshd ends its message with \r\n on stderr: the \r stays in the first line.
        expect(log).toMatch(
          / alice closed \(timer\): sshd -t failed \(\S+50-customer\.conf: line 1: Bad configuration option: PasswordAuthentcation\r?\): config from opening restored, broken one in \/var\/backups\/vps-rescue\/window-alice-\d+$/m,
        );
        expect(await b.server.execChecked('journalctl -o cat -t vps-rescue')).toMatch(/sshd -t failed/);
      } finally {
        await b.server.destroy();
      }
    });
  });
});

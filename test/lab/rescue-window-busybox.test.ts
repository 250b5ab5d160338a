import { it } from 'vitest';
import {
  createServer,
  generateKeyPair,
  PASSWORDS,
  scenarioById,
  toRfc4716,
  type LabServer,
} from '../../lab/index.js';
import { closeWindow, extendWindow, listWindows } from '../../src/rescue/window-admin.js';
import { labDescribe } from '../support/lab-guard.js';
import { clientClock } from './window-clock.js';
import { openWindow, refusedWithin, sleep, staffShell } from './window-support.js';

/*
 * The closer without systemd, on the Alpine-like busybox server (busybox init, no systemd): a detached
 * watcher counts the window on /proc/uptime and re-checks the server's clock. Real console rescues.
 */

const BOB = 'Bob-pw-51e0';

async function bootStory(): Promise<LabServer> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = scenarioById('story-wrong-dir').build({ key, rfc4716: await toRfc4716(key) });
  return createServer({ ...spec, flavour: 'busybox' });
}

/** The watchers of a user's window still running on the server. */
async function watchers(server: LabServer, user: string): Promise<number> {
  const out = await server.execChecked(
    // [w]atch: the pattern does not match this command's own line.
    `for p in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $p 2>/dev/null | grep -q "close-window-${user} [w]atch" && echo $p; done; true`,
  );
  return out.split('\n').filter(Boolean).length;
}

/** bob, written by hand (this server has no adduser or chpasswd). */
async function addBob(server: LabServer): Promise<void> {
  await server.execChecked(
    `h=$(busybox mkpasswd -m sha512 '${BOB}') && echo "bob:x:1001:1001::/home/bob:/bin/sh" >> /etc/passwd && echo "bob:x:1001:" >> /etc/group && echo "bob:$h:20000:0:99999:7:::" >> /etc/shadow && mkdir -m 755 /home/bob && chown 1001:1001 /home/bob`,
  );
}

labDescribe('the password window without systemd (busybox)', () => {
  it("closes after its length when the server's clock is 10 min behind, and when it is 2 h ahead", async ({
    expect,
  }) => {
    const server = await bootStory();
    try {
      // The skew is made on vps-rescue's side here: busybox ash runs its own `date` applet before
      // any file on PATH, so a wrapper cannot move the closer's clock (see window-clock.ts).
      for (const serverAhead of [-600, 7200]) {
        const r = await openWindow(server, 'alice', PASSWORDS.alice, {
          windowMinutes: 0.15,
          now: clientClock(-serverAhead),
        });
        expect(r.ok).toBe(true);
        expect((await server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).ok).toBe(true);
        expect(await refusedWithin(server, 'alice', PASSWORDS.alice, 40_000)).toBe(true);
        // The watcher logs and exits right after its reload, a moment after the refusal.
        await server.waitFor(
          `[ $(grep -c ' alice closed (watch)' /var/backups/vps-rescue/windows.log) = ${serverAhead < 0 ? 1 : 2} ]`,
          10_000,
          'the closing in the log',
        );
        expect(await watchers(server, 'alice')).toBe(0);
        const w = r.changes[0]!.window!;
        expect(Date.parse(w.until!) - Date.parse(w.opened!)).toBe(9000);
        expect(Math.abs(w.skewSeconds! - serverAhead)).toBeLessThan(10);
        expect(Math.abs(Date.parse(w.opened!) - Date.now())).toBeLessThan(60_000);
        expect(await server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toMatchObject({
          code: 1,
        });
      }
      const log = await server.execChecked('cat /var/backups/vps-rescue/windows.log');
      expect(log.match(/ alice closed \(watch\): its block removed$/gm)).toHaveLength(2);
    } finally {
      await server.destroy();
    }
  });

  it("two users' watchers: alice's window extended then closed early, bob's untouched", async ({
    expect,
  }) => {
    const server = await bootStory();
    try {
      await addBob(server);
      await openWindow(server, 'bob', BOB);
      await openWindow(server, 'alice', PASSWORDS.alice, { windowMinutes: 0.2 });
      const until = await staffShell(server, (shell) => extendWindow(shell, 'alice', 1));
      const listed = await staffShell(server, (shell) => listWindows(shell));
      expect(listed.windows.map((w) => [w.user, w.armed]).sort()).toEqual([
        ['alice', 'armed'],
        ['bob', 'armed'],
      ]);
      expect(listed.windows.find((w) => w.user === 'alice')?.until).toBe(until);
      // Nothing to arm without systemd: the extension only moved the deadlines, and says so in the log.
      expect(await server.execChecked('cat /var/backups/vps-rescue/windows.log')).toMatch(
        / alice extended by 60 s: closes in \d+ s at \d+$/m,
      );
      // The first deadline (12 s) passes: the watcher took the new one from the state file.
      await sleep(25_000);
      expect((await server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).ok).toBe(true);
      await staffShell(server, (shell) => closeWindow(shell, 'alice'));
      expect((await server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).refused).toBe(true);
      expect((await server.sshLogin({ user: 'bob', password: BOB })).ok).toBe(true);
      await sleep(6000);
      expect(await watchers(server, 'alice')).toBe(0);
      expect(await watchers(server, 'bob')).toBe(1);
      await staffShell(server, (shell) => closeWindow(shell, 'bob'));
      expect((await server.sshLogin({ user: 'bob', password: BOB })).refused).toBe(true);
    } finally {
      await server.destroy();
    }
  });

  it('sshd -t failing at closing time: password login off, sshd still running', async ({ expect }) => {
    const server = await bootStory();
    try {
      await openWindow(server, 'alice', PASSWORDS.alice, { windowMinutes: 0.15 });
      await server.writeFile('/etc/ssh/sshd_config.d/50-customer.conf', 'PermitRootLogin maybe\n');
      expect((await server.exec('sshd -t')).code).not.toBe(0);
      expect(await refusedWithin(server, 'alice', PASSWORDS.alice, 40_000)).toBe(true);
      const pid = (await server.readFile('/run/sshd.pid')).toString().trim();
      expect((await server.execChecked(`cat /proc/${pid}/comm`)).trim()).toBe('sshd');
      expect((await server.exec('sshd -t')).code).toBe(0);
      await server.waitFor(
        "grep -q 'alice closed (watch): sshd -t failed (' /var/backups/vps-rescue/windows.log",
        10_000,
        'the closing in the log',
      );
      expect(
        await server.execChecked('cat /var/backups/vps-rescue/window-alice-*/sshd_config.d/50-customer.conf'),
      ).toBe('PermitRootLogin maybe\n');
    } finally {
      await server.destroy();
    }
  });
});

import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { labRescueSystem, withRescueSystem, type RescueSystemDriver } from '../../lab/rescue-system.js';
import { LabServer } from '../../lab/server.js';
import { ERROR_EXIT } from '../../src/errors/codes.js';
import { labDescribe } from '../support/lab-guard.js';
import { withProviderRun } from './provider-run.js';

const sshAnswers = (host: string) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port: 22 });
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/**
 * The rescue system way in (Hetzner): enable_rescue + reset boot a rescue OS on the server's address
 * with its disk attached; the rescue works on the disk over SSH, chrooted; disable_rescue + reset
 * bring the server back on its own system, where the outside verification logs in for real.
 */
labDescribe('rescue through the rescue system (hetzner)', () => {
  describe.sequential('rescue system', () => {
    it('a stopped lab server keeps its disk: the rescue OS sees it at /mnt/vda and the server boots with the change', async ({
      expect,
    }) => {
      const server = await LabServer.create({ hostname: 'keeps' });
      const driver = labRescueSystem(server);
      try {
        await server.execChecked('echo before > /root/mark');
        await driver.enter('Rescue-pw-test-1');
        expect(driver.inRescue).toBe(true);
        // The rescue OS answers on the server's address; the back door now reaches it.
        const login = await server.sshLogin({ user: 'root', password: 'Rescue-pw-test-1' }).catch((e) => e);
        expect(login).toMatchObject({ ok: true });
        const os = driver.os!;
        expect(os.address).toBe(server.address);
        expect((await os.execChecked('hostname')).trim()).toBe('rescue');
        expect(await os.execChecked('cat /mnt/vda/root/mark')).toBe('before\n');
        await os.execChecked('echo in-rescue >> /mnt/vda/root/mark');
        await driver.leave();
        expect(driver.inRescue).toBe(false);
        // The rescue OS is gone, every trace of it; the server runs again on the disk it kept.
        expect(existsSync(os.dir)).toBe(false);
        expect((await server.execChecked('hostname')).trim()).toBe('keeps');
        expect(await server.execChecked('cat /root/mark')).toBe('before\nin-rescue\n');
        await server.destroy();
        expect(existsSync(server.dir)).toBe(false);
        expect(await sshAnswers(server.address)).toBe(false);
      } finally {
        await driver.close();
        await server.destroy();
      }
    });

    it('vps-rescue --provider hetzner: story-wrong-dir, no serial console → rescue system → fixed, back on its own system', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      const rescuePasswords: string[] = [];
      const lab = labRescueSystem(b.server);
      // The rescue root password the simulator hands out, kept as a canary.
      const driver: RescueSystemDriver = {
        get inRescue() {
          return lab.inRescue;
        },
        enter: (password) => {
          rescuePasswords.push(password);
          return lab.enter(password);
        },
        leave: () => lab.leave(),
        reset: () => lab.reset(),
        close: () => lab.close(),
      };
      const registration = { ...withRescueSystem(b.server, driver), serialPort: false, guestAgent: false };
      await withProviderRun(
        b,
        'hetzner',
        { servers: [registration], cleanup: () => driver.close() },
        async (r) => {
          // The window itself is what is tested here (auto would now put the misplaced key right).
          const args = [
            '--user',
            'alice',
            '--user-password-env',
            'VR_ALICE_PW',
            '--action',
            'enable-password',
          ];
          const run = await r.cli(b.server.address, args, { VR_ALICE_PW: PASSWORDS.alice });
          const progress = run.stderr;
          expect(run.code, progress).toBe(0);
          console.log(`story-wrong-dir: rescued through the rescue system in ${run.seconds.toFixed(1)} s`);

          expect(progress).toMatch(/serial console skipped: hetzner does not offer it/);
          expect(progress).toMatch(/guest agent commands skipped: hetzner does not offer it/);
          expect(progress).toMatch(/rebooting .* into the hetzner rescue system/);
          expect(progress).toMatch(/going in through the rescue system: .*reboots the server/);
          expect(progress).toMatch(/leaving the rescue system[\s\S]*answers SSH on its own system again/);
          const calls = r.sim.log.filter((e) => e.method === 'POST').map((e) => e.path.split('/').pop());
          expect(calls).toEqual(['enable_rescue', 'reset', 'disable_rescue', 'reset']);

          // Back on its own system, with the password window open for alice and a real login.
          expect(driver.inRescue).toBe(false);
          expect((await b.server.execChecked('hostname')).trim()).toBe('vps');
          const login = await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
          expect(login.ok, login.stderr).toBe(true);
          // Nothing could be armed in the chroot: the boot unit armed the closing timer at this boot.
          const timers = await b.server.execChecked('systemctl list-timers --all --no-legend');
          expect(timers).toMatch(/vps-rescue-window-\S+\.timer/);
          expect(
            await b.server.execChecked('systemctl is-enabled vps-rescue-window-boot-alice.service || true'),
          ).toMatch(/enabled|static|generated|indirect/);

          const json = JSON.parse(r.report('.json'));
          expect(json.primaryCause).toBe(scenarioById('story-wrong-dir').expectedCauses[0]);
          expect(r.report('.md')).toMatch(/way-in: .*rescue system/);
          // Nothing to pin a fresh rescue system's host key to: the report says so, with its fingerprint.
          expect(r.report('.md')).toMatch(
            /host key not pinned: trusted on first use \(SHA256:[A-Za-z0-9+/]{43}\)/,
          );
          expect(r.report('.transcript.jsonl')).toContain('connected: rescue system (hetzner)');

          const token = r.sim.env('hetzner').HCLOUD_TOKEN!;
          expect(rescuePasswords).toHaveLength(1);
          const outputs = [run.stdout, progress, ...r.written().values()];
          for (const secret of [token, rescuePasswords[0]!, PASSWORDS.alice])
            for (const text of outputs) expect(text.includes(secret)).toBe(false);
        },
      );
    });

    it('vps-rescue --provider hetzner: config-syntax-error (sshd does not start) with the key → fixed offline, sshd up at boot, key login', async ({
      expect,
    }) => {
      const b = await bootScenario('config-syntax-error');
      const driver = labRescueSystem(b.server);
      const servers = [withRescueSystem(b.server, driver)];
      await withProviderRun(b, 'hetzner', { servers, cleanup: () => driver.close() }, async (r) => {
        const run = await r.cli(b.server.address, ['--user', 'alice', '--key', r.keyFile]);
        const progress = run.stderr;
        expect(run.code, progress).toBe(0);
        // The repair was judged inside the chroot (nothing blocking left), so no password window.
        expect(progress).toMatch(/diagnosed: config\.syntax[\s\S]*repairing: transaction/);
        expect(progress).not.toMatch(/password window/);
        expect(await b.server.execChecked('systemctl is-active ssh.service')).toBe('active\n');
        const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
        expect(login.ok, login.stderr).toBe(true);
      });
    });

    it('a rescue that fails in the rescue system still leaves it: the server boots its own system', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      const driver = labRescueSystem(b.server);
      const servers = [withRescueSystem(b.server, driver)];
      await withProviderRun(b, 'hetzner', { servers, cleanup: () => driver.close() }, async (r) => {
        // No such account: the rescue stops after it looked at the disk, before it changed anything.
        const run = await r.cli(b.server.name, ['--user', 'bob', '--action', 'fix']);
        const progress = run.stderr;
        expect(run.code, progress).toBe(ERROR_EXIT['usage.unknown-user']);
        expect(progress).toMatch(/no account bob/);
        expect(progress).toMatch(/leaving the rescue system[\s\S]*answers SSH on its own system again/);
        const calls = r.sim.log.filter((e) => e.method === 'POST').map((e) => e.path.split('/').pop());
        expect(calls).toEqual(['enable_rescue', 'reset', 'disable_rescue', 'reset']);
        expect(driver.inRescue).toBe(false);
        expect((await b.server.execChecked('hostname')).trim()).toBe('vps');
        expect(await b.server.execChecked('ls /etc/vps-rescue 2>/dev/null || echo none')).toBe('none\n');
      });
    });
  });
});

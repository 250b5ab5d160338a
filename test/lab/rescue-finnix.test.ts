import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import {
  LAB_FINNIX_DISK,
  labRescueSystem,
  withRescueSystem,
  type RescueSystemDriver,
} from '../../lab/rescue-system.js';
import { loadProvider } from '../../providers/index.js';
import { openTransport } from '../../src/console/transport/index.js';
import { ERROR_EXIT } from '../../src/errors/codes.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun } from './provider-run.js';

/**
 * Linode's rescue (Finnix) as a way in: the console password is wrong, or none is known, so Lish to
 * the Linode's own system is no use; POST …/rescue boots a Finnix-like rescue OS (root logged in on its serial console
 * by getty, no SSH, the Linode's disk at /dev/sda), Lish leads to that console, the rescue takes the
 * root shell there, repairs the disk in a chroot, and POST …/reboot boots the Linode's own system,
 * where the owner's key logs in with the real ssh client. One lab server for every case.
 * VR_FINNIX_MATRIX=1 (`npm run lab:finnix`) adds the password window and a config that stops sshd,
 * each on a server of its own.
 */
const MATRIX = process.env.VR_FINNIX_MATRIX === '1';

labDescribe('rescue through Linode’s Finnix, driven through Lish', () => {
  describe.sequential('finnix', () => {
    it('diagnose never reboots; console login refused → story-wrong-dir repaired through Finnix, key login after the reboot; a failed reboot is rescue.still-in-rescue', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      const lab = labRescueSystem(b.server, { os: 'finnix' });
      let rebootFails = false;
      const driver: RescueSystemDriver = {
        get inRescue() {
          return lab.inRescue;
        },
        get consoleSocket() {
          return lab.consoleSocket;
        },
        enter: async (password) => {
          await lab.enter(password);
          // What Linode's Finnix offers: a root shell on the console, the disk at /dev/sda, no sshd.
          const os = lab.os!;
          expect(await os.execChecked(`test -f ${LAB_FINNIX_DISK}/etc/ssh/sshd_config && echo disk`)).toBe(
            'disk\n',
          );
          expect(await os.execChecked('systemctl is-active ssh.service || true')).not.toBe('active\n');
        },
        leave: () => (rebootFails ? Promise.reject(new Error('host busy (lab)')) : lab.leave()),
        reset: () => lab.reset(),
        close: () => lab.close(),
      };
      const servers = [withRescueSystem(b.server, driver)];
      await withProviderRun(b, 'linode', { servers, cleanup: () => lab.close() }, async (r) => {
        const posts = () => r.sim.log.filter((e) => e.method === 'POST').map((e) => e.path.split('/').pop());
        /** What the Linode's Lish shows after `typed`, as a person connecting would see it. */
        const lishAnswers = async (typed: string, want: RegExp) => {
          const adapter = await loadProvider('linode', r.sim.context('linode'));
          const linode = await adapter.findServer({ ip: b.server.address });
          const transport = await openTransport(await adapter.openConsole(linode, 'serial'));
          let seen = '';
          transport.onData((d) => (seen += Buffer.from(d).toString('utf8')));
          transport.write(typed);
          const deadline = Date.now() + 10_000;
          while (!want.test(seen) && Date.now() < deadline) await new Promise((w) => setTimeout(w, 50));
          await transport.close();
          return seen;
        };

        // Looking never reboots: without a console password there is no way in, and Finnix is not tried.
        const look = await r.cli(b.server.address, ['--user', 'alice', '--action', 'diagnose']);
        expect(look.code, look.stderr).toBe(ERROR_EXIT['rescue.no-way-in']);
        expect(look.stderr).toMatch(/rescue system skipped: it reboots the server/);
        expect(posts()).toEqual([]);

        // A console password that is wrong: Lish to the Linode's own system refuses the login, then Finnix.
        const wrong = 'not-the-root-pw-5c1';
        const run = await r.cli(
          b.server.address,
          ['--user', 'alice', '--key', r.keyFile, '--password-env', 'VR_CONSOLE_PW'],
          { VR_CONSOLE_PW: wrong },
        );
        const progress = run.stderr;
        expect(run.code, progress).toBe(0);
        console.log(`story-wrong-dir: rescued through Finnix in ${run.seconds.toFixed(1)} s`);
        expect(progress).toMatch(/serial console skipped: login as root on the console was refused/);
        expect(progress).toMatch(/rebooting .* into the linode rescue system/);
        expect(progress).toMatch(/leaving the rescue system[\s\S]*answers SSH on its own system again/);
        expect(posts()).toEqual(['rescue', 'reboot']);
        // Lish was asked for the Linode by its label, and led to Finnix's console.
        expect(r.report('.transcript.jsonl')).toContain('taking the root shell the rescue system offers');
        expect(r.report('.transcript.jsonl')).toMatch(/entered the chroot into the server: uid 0/);
        expect(r.report('.transcript.jsonl')).toContain(`the server's disk at ${LAB_FINNIX_DISK}, chrooted`);
        // Inside the chroot, nothing builds on files left in the rescue system's own /tmp.
        expect(r.report('.transcript.jsonl')).not.toMatch(/transfer failed/);
        expect(r.report('.md')).toMatch(/rescue system \(linode\), its console/);
        const json = JSON.parse(r.report('.json'));
        expect(json.primaryCause).toBe(scenarioById('story-wrong-dir').expectedCauses[0]);

        // Back on its own system: the owner's key logs in from outside, and Lish leads to its console.
        expect(driver.inRescue).toBe(false);
        expect(await lishAnswers('\r', /vps login: /)).toMatch(/vps login: /);
        expect((await b.server.execChecked('hostname')).trim()).toBe('vps');
        const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
        expect(login.ok, login.stderr).toBe(true);

        const outputs = [run.stdout, progress, ...r.written().values()];
        for (const secret of [...apiSecrets(r.sim, 'linode'), wrong])
          for (const text of outputs) expect(text.includes(secret)).toBe(false);

        // The reboot out of Finnix fails: the run ends with rescue.still-in-rescue, said plainly.
        rebootFails = true;
        const stuck = await r.cli(b.server.address, ['--user', 'alice', '--key', r.keyFile]);
        expect(stuck.code, stuck.stderr).toBe(ERROR_EXIT['rescue.still-in-rescue']);
        expect(stuck.stderr).toMatch(/serial console skipped: no console password was given/);
        expect(stuck.stderr).toMatch(/may still be in the rescue system .*host busy \(lab\)/);
        expect(stuck.stderr).toMatch(/\[rescue\.still-in-rescue\]/);
        // Nothing was left to repair, so nothing was changed (no password window "just in case").
        expect(stuck.stderr).toMatch(/diagnosed: no blocking cause/);
        expect(stuck.stderr).not.toMatch(/password window/);
        expect(driver.inRescue).toBe(true);
        expect(posts()).toEqual(['rescue', 'reboot', 'rescue', 'reboot']);
        // Still in rescue: Lish leads to Finnix's root shell, left open as it was found (not logged out).
        expect(await lishAnswers('uname -n\r', /[\r\n]finnix\r?\n/)).toMatch(/[\r\n]finnix\r?\n/);
      });
    });

    if (MATRIX) {
      it('enable-password through Finnix: the window is armed offline, opens at boot, alice logs in with her password', async ({
        expect,
      }) => {
        const b = await bootScenario('story-wrong-dir');
        const lab = labRescueSystem(b.server, { os: 'finnix' });
        const servers = [withRescueSystem(b.server, lab)];
        await withProviderRun(b, 'linode', { servers, cleanup: () => lab.close() }, async (r) => {
          const args = [
            '--user',
            'alice',
            '--user-password-env',
            'VR_ALICE_PW',
            '--action',
            'enable-password',
          ];
          const run = await r.cli(b.server.address, args, { VR_ALICE_PW: PASSWORDS.alice });
          expect(run.code, run.stderr).toBe(0);
          console.log(`enable-password through Finnix in ${run.seconds.toFixed(1)} s`);
          expect(lab.inRescue).toBe(false);
          const login = await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
          expect(login.ok, login.stderr).toBe(true);
          // Nothing could be armed in the chroot: the boot unit armed the closing timer at this boot.
          expect(await b.server.execChecked('systemctl list-timers --all --no-legend')).toMatch(
            /vps-rescue-window-\S+\.timer/,
          );
          // Her password went through the console only into a silent read: in no output or transcript.
          for (const text of [run.stdout, run.stderr, ...r.written().values()])
            expect(text.includes(PASSWORDS.alice)).toBe(false);
        });
      });

      it('config-syntax-error (sshd does not start) through Finnix with the key: fixed offline, sshd up at boot, key login', async ({
        expect,
      }) => {
        const b = await bootScenario('config-syntax-error');
        const lab = labRescueSystem(b.server, { os: 'finnix' });
        const servers = [withRescueSystem(b.server, lab)];
        await withProviderRun(b, 'linode', { servers, cleanup: () => lab.close() }, async (r) => {
          const run = await r.cli(b.server.address, ['--user', 'alice', '--key', r.keyFile]);
          expect(run.code, run.stderr).toBe(0);
          console.log(`config-syntax-error through Finnix in ${run.seconds.toFixed(1)} s`);
          expect(run.stderr).toMatch(/diagnosed: config\.syntax[\s\S]*repairing: transaction/);
          expect(await b.server.execChecked('systemctl is-active ssh.service')).toBe('active\n');
          const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
        });
      });
    }
  });
});

import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { loadProvider } from '../../providers/index.js';
import { ERROR_EXIT } from '../../src/errors/codes.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import { runCommandShell } from '../../src/rescue/shells/run-command-shell.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun } from './provider-run.js';

const CANARY = 'Canary-agent-9d41e7b0';

/**
 * A Proxmox VM without a serial port (or whose console login is refused): the rescue goes in through
 * the QEMU guest agent (agent/exec + exec-status in the simulator, run as root in the real lab server).
 */
labDescribe('rescue through the guest agent (proxmox)', () => {
  describe.concurrent('proxmox', () => {
    it('the run-command shell runs commands and scripts as root in the guest', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      await withProviderRun(b, 'proxmox', {}, async ({ sim }) => {
        sim.servers[0]!.serialPort = false;
        const adapter = await loadProvider('proxmox', { ...sim.context('proxmox'), pollIntervalMs: 100 });
        const server = await adapter.findServer({ ip: b.server.address });
        const serial = await adapter.openConsole(server, 'serial').catch((e: unknown) => e);
        expect(isRescueError(serial) && serial.code).toBe('console.unavailable');

        const shell = runCommandShell({ adapter, server, via: 'guest agent (proxmox)' });
        const who = await shell.run('id -u; hostname; echo oops >&2; exit 5');
        expect(who.exitCode).toBe(5);
        const hostname = (await b.server.exec('hostname')).stdout.trim();
        expect(who.stdout).toBe(`0\n${hostname}\noops\n`);

        const r = await shell.runScript({
          path: '/root/.vps-rescue/probe.sh',
          script: 'printf %s "$VRPW" > /root/.vps-rescue/seen; echo script-ran; exit 2\n',
          env: { VRPW: CANARY },
          before: 'mkdir -p -m 700 /root/.vps-rescue',
          after: 'echo after-ran',
        });
        expect(r).toEqual({ stdout: 'script-ran\nafter-ran\n', exitCode: 2 });
        expect(await b.server.execChecked('cat /root/.vps-rescue/seen')).toBe(CANARY);
        // The guest never saw the secret on a command line: the agent ran a bare /bin/sh.
        expect(sim.log.filter((e) => e.path.endsWith('/agent/exec')).length).toBe(2);
        await shell.close();
      });
    });

    it('no serial port and no agent: rescue.no-way-in names every reason and what Proxmox offers', async ({
      expect,
    }) => {
      // No lab server needed: nothing gets as far as the guest.
      const servers = [
        {
          name: 'web-9',
          address: '127.0.1.250',
          consoleSocket: '/nonexistent',
          serialPort: false,
          guestAgent: false,
        },
      ];
      await withProviderRun(undefined, 'proxmox', { servers }, async (r) => {
        const run = await r.cli('web-9', ['--password-env', 'VR_CONSOLE_PW'], {
          VR_CONSOLE_PW: PASSWORDS.root,
        });
        expect(run.code).toBe(ERROR_EXIT['rescue.no-way-in']);
        const text = run.stderr;
        expect(text).toMatch(/no way into web-9/);
        expect(text).toMatch(/serial console: .*qm set 100 -serial0 socket/);
        expect(text).toMatch(/guest agent commands: .*guest agent is not (enabled or not )?running/);
        expect(text).toMatch(/VNC console: .*HTTP 501/);
        expect(text).toMatch(/offers: serial console, guest agent commands, VNC console/);
        expect(r.sim.log.some((e) => e.path.endsWith('/agent/exec'))).toBe(true);
      });
    });

    it('serial console opens but the console password is wrong: nothing changed, the guest agent takes over', async ({
      expect,
    }) => {
      const b = await bootScenario('ssh-dir-777');
      await withProviderRun(b, 'proxmox', {}, async (r) => {
        const wrong = 'Wrong-console-pw-5be2';
        const args = ['--user', 'alice', '--password-env', 'VR_CONSOLE_PW', '--key', r.keyFile];
        const run = await r.cli(b.server.address, args, { VR_CONSOLE_PW: wrong });
        expect(run.code, run.stderr).toBe(0);
        const progress = run.stderr;
        // First the serial console was taken, then given up because the login was refused.
        expect(progress).toMatch(
          /going in through the serial console[\s\S]*serial console skipped: [\s\S]*going in through the guest agent commands/,
        );
        expect(r.sim.log.some((e) => e.path.endsWith('/termproxy'))).toBe(true);
        expect(r.sim.log.some((e) => e.path.endsWith('/agent/exec'))).toBe(true);
        const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
        expect(login.ok, login.stderr).toBe(true);
        const outputs = [run.stdout, progress, ...r.written().values()];
        for (const text of outputs) expect(text.includes(wrong)).toBe(false);
      });
    });

    // Without a serial port; and with one, but no console password given (the support engineer does
    // not know root's): either way the guest agent does the work.
    for (const s of [
      {
        id: 'story-wrong-dir',
        withKey: false,
        serialPort: false,
        skipped: /serial console skipped: .*serial port socket/,
      },
      {
        id: 'ssh-dir-777',
        withKey: true,
        serialPort: true,
        skipped: /serial console skipped: no console password/,
      },
    ]) {
      it(`vps-rescue --provider proxmox: ${s.id} through the guest agent (serial port: ${s.serialPort})`, async ({
        expect,
      }) => {
        const b = await bootScenario(s.id);
        await withProviderRun(b, 'proxmox', {}, async (r) => {
          r.sim.servers[0]!.serialPort = s.serialPort;
          // Without a serial port the console password is given but of no use; with one, it is not
          // given: both times the guest agent does the work, and says why the serial console did not.
          const args = ['--user', 'alice'];
          if (!s.serialPort) args.push('--password-env', 'VR_CONSOLE_PW');
          if (s.withKey) args.push('--key', r.keyFile);
          else args.push('--user-password-env', 'VR_ALICE_PW');
          const run = await r.cli(b.server.address, args, {
            VR_ALICE_PW: PASSWORDS.alice,
            VR_CONSOLE_PW: PASSWORDS.root,
          });
          expect(run.code, run.stderr).toBe(0);
          console.log(`${s.id}: rescued through the guest agent in ${run.seconds.toFixed(1)} s`);

          const progress = run.stderr;
          expect(progress).toMatch(s.skipped);
          expect(progress).toMatch(/going in through the guest agent commands/);
          expect(r.sim.log.some((e) => e.path.endsWith('/termproxy'))).toBe(false);
          expect(r.sim.log.some((e) => e.path.endsWith('/agent/exec'))).toBe(true);

          // Without --key too: the key was on the server (misplaced), so it is put right and logs in.
          const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);

          const json = JSON.parse(r.report('.json'));
          expect(json.primaryCause).toBe(scenarioById(s.id).expectedCauses[0]);
          expect(r.report('.md')).toMatch(/way-in: .*guest agent/);
          expect(r.report('.transcript.jsonl')).toContain('connected: guest agent (proxmox)');

          const secrets = apiSecrets(r.sim, 'proxmox');
          expect(secrets.length).toBeGreaterThan(0);
          const outputs = [run.stdout, progress, ...r.written().values()];
          for (const secret of [PASSWORDS.alice, PASSWORDS.root, ...secrets])
            for (const text of outputs) expect(text.includes(secret), secret).toBe(false);
        });
      });
    }
  });
});

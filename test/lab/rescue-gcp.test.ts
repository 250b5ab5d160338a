import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun } from './provider-run.js';

/** scenario → whether the customer's key is handed to vps-rescue */
const SCENARIOS: { id: string; withKey: boolean }[] = [
  { id: 'story-wrong-dir', withKey: false },
  { id: 'ssh-dir-777', withKey: true },
  { id: 'misnamed-authorized-key', withKey: true },
  { id: 'key-line-wrapped', withKey: true },
  { id: 'allowusers-typo', withKey: true },
];

labDescribe('rescue through Google Compute Engine (simulator)', () => {
  describe.concurrent('gcp serial port', () => {
    for (const s of SCENARIOS) {
      it(`${s.id} through the serial port gateway`, async ({ expect }) => {
        const b = await bootScenario(s.id);
        await withProviderRun(b, 'gcp', {}, async (r) => {
          const args = ['--user', 'alice', '--password-env', 'VR_CONSOLE_PW'];
          if (s.withKey) args.push('--key', r.keyFile);
          else args.push('--user-password-env', 'VR_ALICE_PW');
          const run = await r.cli(b.server.address, args, {
            VR_CONSOLE_PW: PASSWORDS.root,
            VR_ALICE_PW: PASSWORDS.alice,
          });
          expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
          const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
          // The report names the way in and the prerequisites it met.
          const markdown = r.report('.md');
          expect(markdown).toMatch(/serial-port-enable=TRUE \(instance\)/);
          expect(markdown).toMatch(/your key is in the instance ssh-keys/);
          expect(markdown).toMatch(/going in through the serial console/);
          const report = JSON.parse(r.report('.json'));
          expect(report.primaryCause).toBe(scenarioById(s.id).expectedCauses[0]);
          const secrets = [...apiSecrets(r.sim, 'gcp'), PASSWORDS.root, PASSWORDS.alice];
          for (const text of [run.stdout, run.stderr, ...r.written().values()])
            for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
        });
      });
    }
  });
});

import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun } from './provider-run.js';

const PROVIDERS = ['conoha', 'openstack', 'proxmox', 'linode'] as const;

/** scenario → whether the customer's key is handed to vps-rescue, and which login must work afterwards */
const SCENARIOS: { id: string; withKey: boolean }[] = [
  { id: 'story-wrong-dir', withKey: false },
  { id: 'ssh-dir-777', withKey: true },
  { id: 'shell-missing', withKey: true },
  { id: 'allowusers-typo', withKey: true },
];

/**
 * `vps-rescue --provider X --host Y` end to end: the real CLI and the real adapters, unchanged, find the
 * lab server through the provider simulator and rescue it through the vendor's console path; then a
 * real ssh login from outside. Every secret planted is searched for in every output.
 */
labDescribe('rescue through each provider (simulator)', () => {
  for (const provider of PROVIDERS) {
    describe.concurrent(provider, () => {
      for (const s of SCENARIOS) {
        it(`${s.id} ${s.withKey ? '(key repaired)' : '(key found on the server)'}`, async ({ expect }) => {
          const b = await bootScenario(s.id);
          await withProviderRun(b, provider, {}, async (r) => {
            const args = ['--user', 'alice', '--password-env', 'VR_CONSOLE_PW'];
            if (s.withKey) args.push('--key', r.keyFile);
            else args.push('--user-password-env', 'VR_ALICE_PW');
            const run = await r.cli(b.server.address, args, {
              VR_CONSOLE_PW: PASSWORDS.root,
              VR_ALICE_PW: PASSWORDS.alice,
            });
            expect(run.code, run.stderr).toBe(0);

            // Without --key too: the key was on the server (misplaced), so it is put right and logs in.
            const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
            expect(login.ok, login.stderr).toBe(true);

            const files = [...r.written().keys()];
            expect(files.some((f) => f.endsWith('.md'))).toBe(true);
            expect(files.some((f) => f.endsWith('.json'))).toBe(true);
            expect(files.some((f) => f.endsWith('.transcript.jsonl'))).toBe(true);
            const report = JSON.parse(r.report('.json'));
            expect(report.primaryCause).toBe(scenarioById(s.id).expectedCauses[0]);

            // Canary secrets: the console password, the user's password and every API credential.
            const secrets = apiSecrets(r.sim, provider);
            expect(secrets.length).toBeGreaterThan(0);
            secrets.push(PASSWORDS.root, PASSWORDS.alice);
            const outputs = [run.stdout, run.stderr, ...r.written().values()];
            for (const secret of secrets)
              for (const text of outputs) expect(text.includes(secret), secret).toBe(false);
          });
        });
      }
    });
  }
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { startSimulator } from '../../lab/simulator/index.js';
import { main } from '../../src/cli/main.js';
import { labDescribe } from '../support/lab-guard.js';

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
        it(`${s.id} ${s.withKey ? '(key repaired)' : '(password window)'}`, async ({ expect }) => {
          const b = await bootScenario(s.id);
          // A simulator that fails to start must not leave the booted server behind.
          const sim = await startSimulator({ servers: [b.server] }).catch(async (err: unknown) => {
            await b.server.destroy();
            throw err;
          });
          const out = mkdtempSync(join(tmpdir(), 'vr-provider-'));
          try {
            const keyFile = join(out, 'customer.pub');
            writeFileSync(keyFile, `${b.key.publicKey}\n`);
            const stdout: string[] = [];
            const stderr: string[] = [];
            const env = {
              ...process.env,
              ...sim.env(provider),
              VR_CONSOLE_PW: PASSWORDS.root,
              VR_ALICE_PW: PASSWORDS.alice,
            };
            const argv = [
              '--provider',
              provider,
              '--endpoint',
              sim.endpoint(provider),
              '--host',
              b.server.address,
            ];
            argv.push('--user', 'alice', '--password-env', 'VR_CONSOLE_PW', '--out', out);
            if (s.withKey) argv.push('--key', keyFile);
            else argv.push('--user-password-env', 'VR_ALICE_PW');
            const code = await main(argv, {
              env,
              stdout: (t) => stdout.push(t),
              stderr: (t) => stderr.push(t),
            });
            expect(code, stderr.join('\n')).toBe(0);

            const login = s.withKey
              ? await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath })
              : await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
            expect(login.ok, login.stderr).toBe(true);

            const files = readdirSync(out).filter((f) => f !== 'customer.pub');
            expect(files.some((f) => f.endsWith('.md'))).toBe(true);
            expect(files.some((f) => f.endsWith('.json'))).toBe(true);
            expect(files.some((f) => f.endsWith('.transcript.jsonl'))).toBe(true);
            const report = JSON.parse(
              readFileSync(
                join(
                  out,
                  files.find((f) => f.endsWith('.json'))!,
                ),
                'utf8',
              ),
            );
            expect(report.primaryCause).toBe(scenarioById(s.id).expectedCauses[0]);

            // Canary secrets: the console password, the user's password and every API credential.
            const apiSecrets = Object.entries(sim.env(provider))
              .filter(([name]) => /TOKEN|PASSWORD|SECRET|CREDENTIAL/.test(name))
              .map(([, value]) => value);
            expect(apiSecrets.length).toBeGreaterThan(0);
            const secrets = [PASSWORDS.root, PASSWORDS.alice, ...apiSecrets];
            const outputs = [
              stdout.join('\n'),
              stderr.join('\n'),
              ...files.map((f) => readFileSync(join(out, f), 'utf8')),
            ];
            for (const secret of secrets)
              for (const text of outputs) expect(text.includes(secret), secret).toBe(false);
          } finally {
            await sim.close();
            await b.server.destroy();
            rmSync(out, { recursive: true, force: true });
          }
        });
      }
    });
  }
});

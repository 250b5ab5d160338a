import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById } from '../../lab/index.js';
import { loadProvider } from '../../providers/index.js';
import { awsSimulatorAt } from '../../providers/aws/simulator.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun, type ProviderRun } from './provider-run.js';

/**
 * `vps-rescue --provider aws` end to end: the real CLI and the AWS SDK find the lab server through
 * the simulated EC2 API and rescue it through the EC2 serial console (a one-time key pushed with
 * EC2 Instance Connect, then SSH to the simulated gateway in front of the server's real console) or
 * through SSM Run Command (AWS-RunShellScript as root in the real server); then a real ssh login.
 * The normal run takes one of each; VR_AWS_MATRIX=1 (npm run lab:aws) takes every case.
 */
type Way = 'serial' | 'ssm-no-password' | 'ssm-serial-off';

interface Case {
  id: string;
  way: Way;
  withKey: boolean;
  inCi?: boolean;
  /** Afterwards, open a password window with a new password through the same way in. */
  window?: boolean;
}

const CASES: Case[] = [
  { id: 'story-wrong-dir', way: 'serial', withKey: false, inCi: true },
  { id: 'ssh-dir-777', way: 'ssm-no-password', withKey: true, inCi: true, window: true },
  { id: 'story-wrong-dir', way: 'ssm-serial-off', withKey: false },
  { id: 'shell-missing', way: 'serial', withKey: true },
  { id: 'allowusers-typo', way: 'ssm-no-password', withKey: true },
  { id: 'misnamed-authorized-key', way: 'serial', withKey: false },
  { id: 'dropin-disables-pubkey', way: 'ssm-serial-off', withKey: true },
];
const RUN = process.env.VR_AWS_MATRIX === '1' ? CASES : CASES.filter((c) => c.inCi);

const stateOf = (r: ProviderRun) => awsSimulatorAt(r.sim.endpoint('aws'))!;

labDescribe('rescue through Amazon EC2 (simulator)', () => {
  describe.concurrent('aws', () => {
    for (const c of RUN) {
      it(`${c.id} through ${c.way}${c.withKey ? ' (key repaired)' : ' (key found on the server)'}`, async ({
        expect,
      }) => {
        const b = await bootScenario(c.id);
        await withProviderRun(b, 'aws', {}, async (r) => {
          const state = stateOf(r);
          if (c.way === 'ssm-no-password') {
            // Before the rescue: output far over SSM's 24,000-character cap comes back whole (paged).
            const adapter = await loadProvider('aws', { ...r.sim.context('aws'), pollIntervalMs: 50 });
            const server = await adapter.findServer({ ip: b.server.address });
            const big = await adapter.runCommand!(server, ['/bin/sh'], {
              input:
                'i=0; while [ $i -lt 3000 ]; do printf "line %05d äöü\\n" $i; i=$((i+1)); done; id -u >&2; exit 3\n',
            });
            const expected = Array.from(
              { length: 3000 },
              (_, i) => `line ${String(i).padStart(5, '0')} äöü\n`,
            ).join('');
            expect(big.exitCode).toBe(3);
            expect(big.stdout).toBe(expected);
            expect(big.stderr).toBe('0\n');
            // Nothing stays behind in /tmp.
            expect((await b.server.execChecked('ls -a /tmp | grep -c vr-ssm || true')).trim()).toBe('0');
          }
          const args = ['--user', 'alice'];
          const env: Record<string, string> = { VR_ALICE_PW: PASSWORDS.alice, VR_CONSOLE_PW: PASSWORDS.root };
          if (c.way !== 'ssm-no-password') args.push('--password-env', 'VR_CONSOLE_PW');
          if (c.way === 'ssm-serial-off') Object.assign(env, r.sim.env('aws', 'aws-serial-off'));
          if (c.withKey) args.push('--key', r.keyFile);
          else args.push('--user-password-env', 'VR_ALICE_PW');
          const run = await r.cli(b.server.address, args, env);
          expect(run.code, run.stderr).toBe(0);
          console.log(`aws ${c.id} through ${c.way}: rescued in ${run.seconds.toFixed(1)} s`);

          const progress = run.stderr;
          const report = r.report('.md');
          const transcript = r.report('.transcript.jsonl');
          if (c.way === 'serial') {
            expect(progress).toMatch(/going in through the serial console/);
            expect(state.api.log).toContain('SendSerialConsoleSSHPublicKey');
            expect(state.api.log).not.toContain('SendCommand');
            expect(report).toMatch(/way-in: .*serial console/);
            // The transcript names the console it went through: the instance's port 0 at the gateway.
            expect(transcript).toMatch(/i-0[0-9a-f]{16}\.port0@127\.0\.0\.1/);
          } else {
            expect(progress).toMatch(
              c.way === 'ssm-serial-off'
                ? /serial console skipped: .*serial console access is off for this account in us-east-1/
                : /serial console skipped: no console password/,
            );
            expect(progress).toMatch(/going in through the guest agent commands/);
            expect(state.api.log).toContain('SendCommand');
            expect(state.api.log).not.toContain('SendSerialConsoleSSHPublicKey');
            expect(report).toMatch(/way-in: .*guest agent/);
            expect(transcript).toContain('connected: SSM Run Command, AWS-RunShellScript as root (aws)');
            expect(JSON.parse(r.report('.json')).via).toBe(
              'SSM Run Command, AWS-RunShellScript as root (aws)',
            );
          }

          // Without --key too: the key was on the server (misplaced), so it is put right and logs in.
          const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
          expect(JSON.parse(r.report('.json')).primaryCause).toBe(scenarioById(c.id).expectedCauses[0]);

          // Canaries: the API secret, both passwords; and no private key (the one-time console key) anywhere.
          const secrets = [...apiSecrets(r.sim, 'aws'), PASSWORDS.root, PASSWORDS.alice];
          expect(secrets.length).toBeGreaterThan(2);
          const outputs = [run.stdout, progress, ...r.written().values()];
          for (const text of outputs) expect(text).not.toMatch(/PRIVATE KEY/);
          // SSM keeps every command's parameters in its history: no secret may travel in them either.
          for (const text of [...outputs, ...state.api.ssm.scripts])
            for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);

          if (c.window) {
            // A new password through SSM: sealed to a key the instance makes with openssl (the lab
            // image has none; this machine's, same Debian release, is copied in), never in clear.
            await b.server.writeFile('/usr/bin/openssl', readFileSync('/usr/bin/openssl'), { mode: 0o755 });
            const before = state.api.ssm.scripts.length;
            const opened = await r.cli(b.server.address, [
              '--action',
              'enable-password',
              '--user',
              'alice',
              '--reset-password',
              '--yes',
              '--window',
              '10',
            ]);
            expect(opened.code, opened.stderr).toBe(0);
            const viaSsm = state.api.ssm.scripts.slice(before);
            expect(viaSsm.some((script) => script.includes('VR_SEALED_BODY'))).toBe(true);
            // --reset-password hands the new password over in a file only.
            const files = [...r.written().entries()];
            const handed = files.find(([name]) => /^password-alice-/.test(name))?.[1].trim() ?? '';
            expect(handed.length).toBeGreaterThanOrEqual(12);
            const elsewhere = files
              .filter(([name]) => !/^password-alice-/.test(name))
              .map(([, text]) => text);
            for (const text of [...viaSsm, opened.stdout, opened.stderr, ...elsewhere])
              expect(text.includes(handed)).toBe(false);
            const byPassword = await b.server.sshLogin({ user: 'alice', password: handed });
            expect(byPassword.ok, byPassword.stderr).toBe(true);
            // Nothing of the key pair or the opened program stays on the server.
            expect((await b.server.execChecked('ls -a /tmp | grep -c vr-ssm || true')).trim()).toBe('0');
          }
        });
      });
    }
  });
});

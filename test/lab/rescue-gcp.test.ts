import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById, type BootedScenario } from '../../lab/index.js';
import { projectOf } from '../../providers/gcp/simulator.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun, type CliRun, type ProviderRun } from './provider-run.js';

/**
 * `vps-rescue --provider gcp` end to end: the real CLI, the real adapter and SDK against the lab's
 * Google Compute Engine (compute REST API, token endpoint, SSH serial port gateway, startup script
 * on reset), rescuing a real lab server; then a real ssh login from outside.
 */

/** The story and the other lockouts rescued through the serial port; the first two in every run. */
const SCENARIOS: { id: string; withKey: boolean }[] = [
  { id: 'story-wrong-dir', withKey: false },
  { id: 'ssh-dir-777', withKey: true },
  { id: 'misnamed-authorized-key', withKey: true },
  { id: 'key-line-wrapped', withKey: true },
  { id: 'allowusers-typo', withKey: true },
  { id: 'shell-missing', withKey: true },
];
/** The whole list with VR_GCP_MATRIX=1 (`npm run lab:gcp`); the normal run keeps to the CI budget. */
const RUN = process.env.VR_GCP_MATRIX === '1' ? SCENARIOS : SCENARIOS.slice(0, 2);

async function rescueThroughGcp(
  b: BootedScenario,
  r: ProviderRun,
  o: { withKey: boolean; consolePassword?: string; extra?: string[] },
): Promise<CliRun> {
  const args = ['--user', 'alice', '--password-env', 'VR_CONSOLE_PW', ...(o.extra ?? [])];
  if (o.withKey) args.push('--key', r.keyFile);
  else args.push('--user-password-env', 'VR_ALICE_PW');
  return r.cli(b.server.address, args, {
    VR_CONSOLE_PW: o.consolePassword ?? PASSWORDS.root,
    VR_ALICE_PW: PASSWORDS.alice,
  });
}

/** The rescue worked: exit 0, a real key login, the cause named, no secret anywhere. */
async function expectRescued(
  expect: (
    value: unknown,
    message?: string,
  ) => { toBe: (v: unknown) => void; toBeGreaterThan: (n: number) => void },
  b: BootedScenario,
  r: ProviderRun,
  run: CliRun,
): Promise<void> {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
  expect(login.ok, login.stderr).toBe(true);
  const report = JSON.parse(r.report('.json')) as { primaryCause: string };
  expect(report.primaryCause).toBe(scenarioById(b.scenario.id).expectedCauses[0]);
  // The ADC file's refresh token and client secret, every access token handed out, the gateway key.
  const env = r.sim.env('gcp');
  const adc = JSON.parse(readFileSync(env.GOOGLE_APPLICATION_CREDENTIALS!, 'utf8')) as Record<string, string>;
  const issued = [...projectOf(r.sim.servers[0]!)!.account.tokens];
  expect(issued.length).toBeGreaterThan(0);
  const gatewayKey = readFileSync(env.GCP_SERIAL_KEY_FILE!, 'utf8').split('\n')[1]!;
  const secrets = [
    ...apiSecrets(r.sim, 'gcp'),
    adc.refresh_token!,
    adc.client_secret!,
    gatewayKey,
    ...issued,
    PASSWORDS.root,
    PASSWORDS.alice,
  ];
  for (const text of [run.stdout, run.stderr, ...r.written().values()])
    for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
}

labDescribe('rescue through Google Compute Engine (simulator)', () => {
  describe.concurrent('gcp', () => {
    for (const s of RUN) {
      it(`${s.id} through the serial port gateway`, async ({ expect }) => {
        const b = await bootScenario(s.id);
        await withProviderRun(b, 'gcp', {}, async (r) => {
          const run = await rescueThroughGcp(b, r, { withKey: s.withKey });
          await expectRescued(expect, b, r, run);
          // The report names the way in and the prerequisites it met; nothing rebooted.
          const markdown = r.report('.md');
          expect(markdown).toMatch(/serial-port-enable=TRUE \(instance\)/);
          expect(markdown).toMatch(/your key is in the instance ssh-keys/);
          expect(markdown).toMatch(/going in through the serial console/);
          expect(r.sim.log.filter((e) => e.path.endsWith('/reset'))).toEqual([]);
        });
      });
    }

    if (process.env.VR_GCP_MATRIX === '1')
      it('serial port on but no console password that works: nothing changed there, the startup script takes over', async ({
        expect,
      }) => {
        const b = await bootScenario('ssh-dir-777');
        await withProviderRun(b, 'gcp', {}, async (r) => {
          const run = await rescueThroughGcp(b, r, { withKey: true, consolePassword: 'not-the-password' });
          await expectRescued(expect, b, r, run);
          const markdown = r.report('.md');
          expect(markdown).toMatch(/serial console skipped: /);
          expect(markdown).toMatch(/startup-script way: /);
          expect(markdown).toMatch(/Way in\*\*: guest agent \(gcp\)/);
        });
      });

    it('serial port off: a dry run never resets; the rescue then goes in through the startup script, said first', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      await withProviderRun(b, 'gcp', {}, async (r) => {
        r.sim.servers[0]!.serialPort = false;
        const dry = await rescueThroughGcp(b, r, { withKey: false, extra: ['--dry-run'] });
        expect(dry.stderr).toMatch(/serial-port-enable=TRUE/);
        expect(dry.stderr).toMatch(/no organization policy forbids it/);
        expect(`${dry.stdout}\n${dry.stderr}`).toMatch(/guest agent commands skipped: it reboots the server/);
        expect(r.sim.log.filter((e) => e.path.endsWith('/reset'))).toEqual([]);

        const run = await rescueThroughGcp(b, r, { withKey: false });
        await expectRescued(expect, b, r, run);
        const markdown = r.report('.md');
        const warned = markdown.indexOf('startup-script way: ');
        expect(warned).toBeGreaterThan(-1);
        expect(warned).toBeLessThan(markdown.indexOf('going in through the guest agent commands'));
        expect(markdown.split('startup-script way: ').length).toBe(2);
        expect(markdown).toMatch(
          /metadata of \S+ restored after command 1 \(startup-script as it was before\)/,
        );
        const resets = r.sim.log.filter((e) => e.path.endsWith('/reset')).length;
        expect(resets).toBeGreaterThan(1);
        // Every command set and restored startup-script: the metadata is as it was.
        const instance = projectOf(r.sim.servers[0]!)!.of(r.sim.servers[0]!);
        expect(instance.items.map((i) => i.key)).toEqual(['serial-port-enable', 'ssh-keys']);
      });
    });
  });
});

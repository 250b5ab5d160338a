import { readFileSync } from 'node:fs';
import { describe, it, type ExpectStatic } from 'vitest';
import { bootScenario, PASSWORDS, scenarioById, type BootedScenario } from '../../lab/index.js';
import { loadProvider } from '../../providers/index.js';
import { ERROR_EXIT } from '../../src/errors/codes.js';
import { openTransport } from '../../src/console/transport/index.js';
import { runCommandShell } from '../../src/rescue/shells/run-command-shell.js';
import { labDescribe } from '../support/lab-guard.js';
import { apiSecrets, withProviderRun, type ProviderRun } from './provider-run.js';

/**
 * Azure end to end through the simulator (https ARM + Entra ID token endpoint + serial console
 * gateway, trusted through REQUESTS_CA_BUNDLE): the real CLI, the real adapter on the vendor SDKs,
 * unchanged, rescue real lab servers through each way in, then a real ssh login from outside.
 * The normal run takes the story through Run Command and one lockout through the serial console;
 * VR_AZURE_MATRIX=1 (`npm run lab:azure`) runs five lockouts through both ways in.
 */
type Way = 'run-command' | 'serial';

const MATRIX = process.env.VR_AZURE_MATRIX === '1';
const CASES: { id: string; withKey: boolean; way: Way }[] = MATRIX
  ? ['story-wrong-dir', 'ssh-dir-777', 'shell-missing', 'allowusers-typo', 'misnamed-authorized-key'].flatMap(
      (id) =>
        (['run-command', 'serial'] as const).map((way) => ({ id, withKey: id !== 'story-wrong-dir', way })),
    )
  : [
      { id: 'story-wrong-dir', withKey: false, way: 'run-command' },
      { id: 'ssh-dir-777', withKey: true, way: 'serial' },
    ];

async function rescueThrough(r: ProviderRun, address: string, way: Way, withKey: boolean) {
  // Run Command: no console password is given (the support engineer has none), so the serial
  // console is skipped for that reason and Run Command, needing no login, does the work.
  const args = ['--user', 'alice'];
  if (way === 'serial') args.push('--password-env', 'VR_CONSOLE_PW');
  if (withKey) args.push('--key', r.keyFile);
  else args.push('--user-password-env', 'VR_ALICE_PW');
  return r.cli(address, args, { VR_CONSOLE_PW: PASSWORDS.root, VR_ALICE_PW: PASSWORDS.alice });
}

/**
 * The adapter on its own, on a server the rescue just left: find by IP and by name, Run Command
 * output past 4,096 bytes read back whole through paging, a slow command through ARM's 202 polling,
 * the console websocket up to `login:`, and boot diagnostics off refused with its hint.
 */
async function adapterChecks(r: ProviderRun, b: BootedScenario, expect: ExpectStatic): Promise<void> {
  const { sim } = r;
  const adapter = await loadProvider('azure', { ...sim.context('azure'), pollIntervalMs: 200 });
  const byIp = await adapter.findServer({ ip: b.server.address });
  const byName = await adapter.findServer({ name: b.server.name });
  expect(byName.id).toBe(byIp.id);
  expect(byIp.addresses.ipv4).toContain(b.server.address);

  const shell = runCommandShell({ adapter, server: byIp, via: 'Run Command (azure)' });
  const long = await shell.run(
    'i=0; while [ $i -lt 900 ]; do echo "row $i of the long output"; i=$((i+1)); done',
  );
  const lines = long.stdout.trim().split('\n');
  expect(lines.length).toBe(900);
  expect(lines[0]).toBe('row 0 of the long output');
  expect(lines[899]).toBe('row 899 of the long output');
  const slow = await shell.run('sleep 1.5; id -u');
  expect(slow).toEqual({ stdout: '0\n', exitCode: 0 });
  expect(sim.log.some((e) => /\/operations\/[^/]+$/.test(e.path))).toBe(true);
  // A password goes sealed to a key the VM makes with its openssl (the lab image has none; this
  // machine's, same Debian release, is copied in) and opens there to exactly what was sent.
  await b.server.writeFile('/usr/bin/openssl', readFileSync('/usr/bin/openssl'), { mode: 0o755 });
  const canary = `Canary-azure-${process.pid}-sealed`;
  const sealed = await shell.runScript({
    path: '/root/.vps-rescue/sealed-check.sh',
    before: 'mkdir -p -m 700 /root/.vps-rescue',
    script: 'printf %s "$VRPW" > /root/.vps-rescue/seen\n',
    env: { VRPW: canary },
  });
  expect(sealed.exitCode, sealed.stdout).toBe(0);
  expect(await b.server.execChecked('cat /root/.vps-rescue/seen; rm -f /root/.vps-rescue/seen')).toBe(canary);
  expect((await b.server.execChecked('ls -a /tmp | grep -c vr-az || true')).trim()).toBe('0');
  await shell.close();

  const endpoint = await adapter.openConsole(byIp, 'serial');
  const serial = await openTransport(endpoint);
  let seen = '';
  serial.onData((d) => (seen += d.toString('utf8')));
  serial.write('\r');
  const deadline = Date.now() + 15_000;
  while (!/login: $/m.test(seen) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  await serial.close();
  expect(seen).toMatch(/login: $/m);

  sim.servers[0]!.serialPort = false;
  const off = await adapter.findServer({ ip: b.server.address });
  await expect(adapter.openConsole(off, 'serial')).rejects.toMatchObject({
    code: 'console.unavailable',
    params: { hint: expect.stringMatching(/az vm boot-diagnostics enable -g rg-lab/) },
  });
}

labDescribe('rescue through Azure (simulator)', () => {
  describe.concurrent('azure', () => {
    it('boot diagnostics off and the VM agent not ready: rescue.no-way-in says what to enable', async ({
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
      await withProviderRun(undefined, 'azure', { servers }, async (r) => {
        const run = await r.cli('web-9', ['--password-env', 'VR_CONSOLE_PW'], {
          VR_CONSOLE_PW: PASSWORDS.root,
        });
        expect(run.code).toBe(ERROR_EXIT['rescue.no-way-in']);
        expect(run.stderr).toMatch(/serial console: .*az vm boot-diagnostics enable -g rg-lab -n web-9/);
        expect(run.stderr).toMatch(
          /guest agent commands: .*VM agent \(waagent\) in the VM is not ready \(Not Ready\)/,
        );
        // Both were refused from the VM's own facts: neither connect nor Run Command was called.
        expect(r.sim.log.some((e) => /serialPorts|runCommand/.test(e.path))).toBe(false);
      });
    });

    for (const c of CASES) {
      const extra =
        c.id === 'story-wrong-dir' && c.way === 'run-command' ? ' (and the adapter on its own)' : '';
      it(`${c.id} through ${c.way === 'serial' ? 'the serial console' : 'Run Command'}${extra}`, async ({
        expect,
      }) => {
        const b = await bootScenario(c.id);
        await withProviderRun(b, 'azure', {}, async (r) => {
          const run = await rescueThrough(r, b.server.address, c.way, c.withKey);
          expect(run.code, run.stderr).toBe(0);
          console.log(`azure ${c.id} via ${c.way}: rescued in ${run.seconds.toFixed(1)} s`);
          const progress = run.stderr;
          if (c.way === 'serial') {
            expect(progress).toMatch(/going in through the serial console/);
            expect(r.sim.log.some((e) => e.path.endsWith('/serialPorts/0/connect'))).toBe(true);
            expect(r.sim.log.some((e) => e.method === 'UPGRADE' && e.provider === 'azure-serial')).toBe(true);
            expect(r.sim.log.some((e) => e.path.endsWith('/runCommand'))).toBe(false);
          } else {
            expect(progress).toMatch(/serial console skipped: no console password/);
            expect(progress).toMatch(/going in through the guest agent commands/);
            expect(r.sim.log.some((e) => e.path.endsWith('/runCommand'))).toBe(true);
            expect(r.report('.transcript.jsonl')).toContain('connected: guest agent (azure)');
          }
          const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
          const report = JSON.parse(r.report('.json'));
          expect(report.primaryCause).toBe(scenarioById(c.id).expectedCauses[0]);
          expect(r.report('.md')).toMatch(
            c.way === 'serial' ? /way-in: .*serial console/ : /way-in: .*guest agent/,
          );

          const secrets = [...apiSecrets(r.sim, 'azure'), PASSWORDS.root, PASSWORDS.alice];
          for (const text of [run.stdout, run.stderr, ...r.written().values()])
            for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);

          // One boot serves the adapter's own checks too (the CI budget): on the story's server.
          if (c.id === 'story-wrong-dir' && c.way === 'run-command') await adapterChecks(r, b, expect);
        });
      });
    }
  });
});

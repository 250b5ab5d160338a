import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { bootScenario, PASSWORDS, type BootedScenario } from '../../lab/index.js';
import { simulatedProviderArgs } from '../../lab/command-line.js';
import { startSimulator, type Simulator } from '../../lab/simulator/index.js';
import { main } from '../../src/cli/main.js';
import { labDescribe } from '../support/lab-guard.js';
import { consoleTerminal } from './console-terminal.js';

let b: BootedScenario;
let sim: Simulator;

/** `vps-rescue console --provider conoha --host <address> …` in-process, on a terminal of our own. */
function consoleRun(extra: string[]) {
  const { input, err, shown } = consoleTerminal();
  const args = ['console', ...simulatedProviderArgs(sim, 'conoha', b.server.address)];
  const exit = main([...args, ...extra], {
    stderr: (t) => err.push(t),
    stdout: () => {},
    env: { ...process.env, ...sim.env('conoha') },
  });
  return { input, exit, err, shown };
}

labDescribe('vps-rescue console --provider', () => {
  beforeAll(async () => {
    b = await bootScenario('story-wrong-dir');
    sim = await startSimulator({ servers: [b.server] });
  });
  afterAll(async () => {
    await sim?.close();
    await b?.server.destroy();
  });

  it('--watch: shows the serial console the rescue would use, and nothing typed reaches the server', async ({
    expect,
  }) => {
    const run = consoleRun(['--watch']);
    await expect.poll(() => run.err.join('\n'), { timeout: 20_000 }).toContain('read-only');
    expect(run.err.join('\n')).toMatch(/serial console/);
    await b.server.exec(`printf 'vr-watch-mark\\r\\n' > /dev/console`);
    await expect.poll(run.shown, { timeout: 10_000 }).toContain('vr-watch-mark');
    const before = run.shown().length;
    run.input.write('root\r');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Had the keys gone through, getty would have echoed the name and asked for the password.
    expect(run.shown().slice(before)).not.toMatch(/root|Password/);
    run.input.write('\x03');
    expect(await run.exit).toBe(0);
  });

  it('without --watch: takes the console over, logs in and runs a command as a person would', async ({
    expect,
  }) => {
    const run = consoleRun([]);
    await expect.poll(() => run.err.join('\n'), { timeout: 20_000 }).toContain('Ctrl-]');
    run.input.write('\r');
    await expect.poll(run.shown, { timeout: 15_000 }).toMatch(/login: $/m);
    run.input.write('root\r');
    await expect.poll(run.shown, { timeout: 15_000 }).toMatch(/Password: ?$/m);
    run.input.write(`${PASSWORDS.root}\r`);
    await expect.poll(run.shown, { timeout: 15_000 }).toMatch(/# $/m);
    run.input.write('echo vr-$((6*7))\r');
    await expect.poll(run.shown, { timeout: 15_000 }).toContain('vr-42');
    run.input.write('exit\r\x1d');
    expect(await run.exit).toBe(0);
    expect(run.shown()).not.toContain(PASSWORDS.root);
  });

  it('a rescue with -q prints no progress, and with -v every change as it is made', async ({ expect }) => {
    const out = mkdtempSync(join(tmpdir(), 'vr-quiet-'));
    try {
      const rescue = async (extra: string[]) => {
        const stdout: string[] = [];
        const stderr: string[] = [];
        const args = simulatedProviderArgs(sim, 'conoha', b.server.address);
        const code = await main(
          [
            ...args,
            '--user',
            'alice',
            '--password-env',
            'VR_PW',
            '--user-password-env',
            'VR_ALICE',
            '--out',
            out,
            ...extra,
          ],
          {
            stdout: (t) => stdout.push(t),
            stderr: (t) => stderr.push(t),
            env: { ...process.env, ...sim.env('conoha'), VR_PW: PASSWORDS.root, VR_ALICE: PASSWORDS.alice },
          },
        );
        return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
      };
      const quiet = await rescue(['--action', 'diagnose', '-q']);
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toMatch(/^Report: \S+\.md, \S+\.json$/);

      const verbose = await rescue(['-v']);
      expect(verbose.code, verbose.stderr).toBe(0);
      expect(verbose.stderr).toMatch(/diagnosed: /);
      expect(verbose.stderr).toMatch(/^ {2}\+ fix \S+: ok, .*\/home\/alice\/\.ssh\/authorized_keys/m);
      expect(verbose.stdout).toContain('# vps-rescue report');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

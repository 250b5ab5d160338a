import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { PASSWORDS } from '../../lab/index.js';
import { serversDir } from '../../lab/paths.js';
import { sshLogin } from '../../lab/ssh-login.js';
import { labDescribe } from '../support/lab-guard.js';

const ROOT = join(import.meta.dirname, '../..');

/** `npm run lab -- …` as a user types it (tsx lab/cli.ts is what the npm script runs). */
const labCli = (args: string[]) =>
  spawn('npx', ['tsx', 'lab/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });

labDescribe('npm run lab -- up', () => {
  it('up story-wrong-dir --provider conoha: the printed exports and command rescue the server; down takes it all away', async ({
    expect,
  }) => {
    const up = labCli(['up', 'story-wrong-dir', '--provider', 'conoha']);
    let printed = '';
    up.stdout.on('data', (b: Buffer) => (printed += b.toString()));
    up.stderr.on('data', (b: Buffer) => (printed += b.toString()));
    const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
    const work = mkdtempSync(join(tmpdir(), 'vr-lab-up-'));
    try {
      await expect.poll(() => printed, { timeout: 240_000, interval: 500 }).toContain('npm run lab -- down');
      const lines = printed.split('\n');
      const exports = lines.filter((l) => l.startsWith('export '));
      const command = lines.filter((l) => l.startsWith('vps-rescue '));
      expect(command).toHaveLength(1);
      expect(exports.map((l) => /^export (\w+)=/.exec(l)?.[1])).toEqual(
        expect.arrayContaining(['OS_AUTH_URL', 'OS_PASSWORD', 'VPS_RESCUE_CONSOLE_PASSWORD', 'PATH']),
      );
      // Secrets travel as variables: none of them is on the command line.
      expect(command[0]).not.toContain(PASSWORDS.root);
      expect(command[0]).not.toContain(PASSWORDS.alice);
      const host = /--host (\S+)/.exec(command[0]!)![1]!;
      expect((await sshLogin(host, { user: 'alice', password: PASSWORDS.alice })).ok).toBe(false);

      // Pasted into a fresh shell, in a directory of the user's own.
      const rescue = spawnSync('bash', ['-c', [...exports, command[0]!].join('\n')], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: work },
        timeout: 240_000,
      });
      expect(rescue.status, rescue.stderr).toBe(0);
      expect(rescue.stdout).toContain('SSH access restored and verified from outside');
      const reports = readdirSync(join(work, 'vps-rescue-reports')).filter((f) => f.endsWith('.json'));
      const report = JSON.parse(readFileSync(join(work, 'vps-rescue-reports', reports[0]!), 'utf8')) as {
        ok: boolean;
      };
      expect(report.ok).toBe(true);
      // The story's key was only in the wrong folder: the rescue put it right, so the customer's own
      // key (the path the up command printed) logs in, and no password window was opened.
      const identity = /^# then, as the customer: ssh -i (\S+) alice@/m.exec(printed)?.[1];
      expect(identity, printed).toBeDefined();
      const login = await sshLogin(host, { user: 'alice', privateKeyPath: identity! });
      expect(login.ok, login.stderr).toBe(true);
      expect((await sshLogin(host, { user: 'alice', password: PASSWORDS.alice })).ok).toBe(false);

      const [, serverName, upPid] = /\(lab server (\S+), lab up pid (\d+)\)/.exec(printed) ?? [];
      expect(existsSync(join(serversDir(), serverName!))).toBe(true);
      // Only this test's own `up`: another one on the machine is left alone.
      const down = spawnSync('npx', ['tsx', 'lab/cli.ts', 'down', upPid!], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(down.status, down.stderr).toBe(0);
      expect(down.stdout).toContain(serverName);
      expect(await exited).toBe(0);
      expect(existsSync(join(serversDir(), serverName!))).toBe(false);
      expect(printed).toContain('taking down');
    } finally {
      // The whole group, as Ctrl-C does: npx, tsx and the lab process under them.
      if (up.exitCode === null) process.kill(-up.pid!, 'SIGINT');
      await exited;
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});

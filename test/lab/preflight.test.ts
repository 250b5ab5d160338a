import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ALICE, generateKeyPair, LabServer, PASSWORDS, type KeyPair } from '../../lab/index.js';
import { startSimulator } from '../../lab/simulator/index.js';
import { main } from '../../src/cli/main.js';
import { labDescribe } from '../support/lab-guard.js';

/*
 * preflight and harden against one real server (OpenSSH, systemd, sudo), reset between cases: the
 * prediction made by the server's own sshd, then the same hardening applied for real.
 */

let server: LabServer;
let key: KeyPair;
let fingerprint: string;
let pristine: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { ...process.env, SSH_AUTH_SOCK: '', PW: PASSWORDS.alice, ...env },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const common = () => [
  '--host',
  server.address,
  '--user',
  'alice',
  '--identity',
  key.privateKeyPath,
  '--password-env',
  'PW',
  '--host-key',
  fingerprint,
  '--out',
  OUT,
];

/** The key where the owner put it (`.ssh` or the mistaken `ssh`), the configuration as it came. */
async function reset(dir: '.ssh' | 'ssh') {
  await server.execChecked(
    [
      'rm -rf /home/alice/.ssh /home/alice/ssh /var/backups/vps-rescue /etc/ssh/sshd_config.d/50-cloud-init.conf',
      `mkdir -m 700 /home/alice/${dir}`,
      `printf '%s\\n' '${key.publicKey}' > /home/alice/${dir}/authorized_keys`,
      `chmod 600 /home/alice/${dir}/authorized_keys`,
      `chown -R alice:alice /home/alice/${dir}`,
      `echo '${pristine}' | base64 -d > /etc/ssh/sshd_config`,
      'systemctl reload ssh',
    ].join(' && '),
  );
  await server.waitForSshd(10_000);
}

/** An ssh-agent of this test holding the key; stopped after `body`. */
async function withAgent<T>(pair: KeyPair, body: (sock: string) => Promise<T>): Promise<T> {
  const sock = join(mkdtempSync(join(OUT, 'agent-')), 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      if (existsSync(sock)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise<void>((resolve, reject) =>
      spawn('ssh-add', [pair.privateKeyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'ignore',
      }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh-add exit ${code}`)))),
    );
    return await body(sock);
  } finally {
    agent.kill();
  }
}

const OUT = join(tmpdir(), `vr-preflight-test-${process.pid}`);

const passwordLogin = () => server.sshLogin({ user: 'alice', password: PASSWORDS.alice });

labDescribe('preflight and harden over SSH', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true, mode: 0o700 });
    key = await generateKeyPair();
    server = await LabServer.create({ rootPassword: PASSWORDS.root, users: [ALICE] });
    fingerprint = (await server.execChecked('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(
      ' ',
    )[1]!;
    pristine = (await server.execChecked('base64 -w0 /etc/ssh/sshd_config')).trim();
  }, 180_000);
  afterAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    await server?.destroy();
  });

  describe.sequential('one server, reset between cases', () => {
    it('misplaced key: predicts keys.wrong-dir; harden reverts and the password works again', async ({
      expect,
    }) => {
      await reset('ssh');
      const p = await cli(['preflight', ...common(), '--json']);
      expect(p.code).toBe(43);
      const report = JSON.parse(p.out) as { verdict: string; lockout: { cause: string; path: string } };
      expect(report.verdict).toBe('lockout');
      expect(report.lockout.cause).toBe('keys.wrong-dir');
      expect(report.lockout.path).toBe('/home/alice/ssh/authorized_keys');
      // Reality: apply it and log in.
      const h = await cli(['harden', ...common(), '--confirm-within', '20s', '--json']);
      expect(h.code).toBe(47);
      const hr = JSON.parse(h.out) as { outcome: string; loginFailure: { cause: string } };
      expect(hr.outcome).toBe('reverted');
      expect(hr.loginFailure.cause).toBe('keys.wrong-dir');
      expect((await server.execChecked('base64 -w0 /etc/ssh/sshd_config')).trim()).toBe(pristine);
      expect((await passwordLogin()).ok).toBe(true);
    }, 60_000);

    it('healthy key: predicts success; harden keeps the change and password login is refused', async ({
      expect,
    }) => {
      await reset('.ssh');
      const sim = await startSimulator({ servers: [server] });
      try {
        const args = ['--provider', 'conoha', '--endpoint', sim.endpoint('conoha')];
        const p = await cli(['preflight', ...common(), ...args], sim.env('conoha'));
        expect(p.err).toBe('');
        expect(p.code).toBe(0);
        expect(p.out).toMatch(/\[ok\] +key login after the change/);
        expect(p.out).toMatch(/\[ok\] +console through the API/);
        expect(p.out).toMatch(/\[ok\] +getty on the console: a login prompt runs on console/);
        // A drop-in read after cloud-init's: sshd's first value wins, so passwords would stay on.
        await server.execChecked(
          "echo 'PasswordAuthentication yes' > /etc/ssh/sshd_config.d/50-cloud-init.conf",
        );
        const dropin = join(OUT, '99-harden.conf');
        writeFileSync(dropin, 'PasswordAuthentication no\n');
        const d = await cli(
          ['preflight', ...common(), ...args, '--dropin', dropin, '--json'],
          sim.env('conoha'),
        );
        expect(d.code).toBe(0);
        const items = (
          JSON.parse(d.out) as { items: { id: string; status: string; cause?: string; detail: string }[] }
        ).items;
        expect(items.find((i) => i.id === 'hardening-effective')).toMatchObject({
          status: 'warn',
          cause: 'config.overridden',
        });
        expect(items.find((i) => i.id === 'hardening-effective')?.detail).toMatch(
          /passwordauthentication no → yes/,
        );
        await server.execChecked('rm /etc/ssh/sshd_config.d/50-cloud-init.conf');
      } finally {
        await sim.close();
      }
      const h = await cli(['harden', ...common(), '--confirm-within', '10s']);
      expect(h.code).toBe(0);
      expect((await passwordLogin()).refused).toBe(true);
      expect((await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath })).ok).toBe(true);
      // Past the timer, the change is still there: the confirmation stopped the revert.
      await new Promise((r) => setTimeout(r, 11_000));
      expect((await passwordLogin()).refused).toBe(true);
    }, 90_000);

    it('way back: no server at the provider, and no account with a password for the console', async ({
      expect,
    }) => {
      await reset('.ssh');
      const sim = await startSimulator({ servers: [] });
      try {
        const args = ['--provider', 'conoha', '--endpoint', sim.endpoint('conoha')];
        const p = await cli(['preflight', ...common(), ...args, '--json'], sim.env('conoha'));
        expect(p.code).toBe(44);
        const r = JSON.parse(p.out) as { items: { id: string; status: string; cause?: string }[] };
        expect(r.items.find((i) => i.id === 'console-api')).toMatchObject({
          status: 'fail',
          cause: 'provider.not-found',
        });
      } finally {
        await sim.close();
      }
      await server.execChecked(
        "echo 'alice ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/alice && usermod -p '*' alice && usermod -p '*' root",
      );
      try {
        // No password anywhere: the key comes from an SSH agent, sudo needs none.
        const bare = ['--host', server.address, '--user', 'alice', '--host-key', fingerprint, '--out', OUT];
        const p = await withAgent(key, (sock) =>
          cli(['preflight', ...bare, '--json'], { SSH_AUTH_SOCK: sock }),
        );
        const r = JSON.parse(p.out) as {
          loginMethod: string;
          items: { id: string; status: string; cause?: string }[];
        };
        expect(r.loginMethod).toBe('agent');
        expect(r.items.find((i) => i.id === 'key-after')?.status).toBe('ok');
        expect(r.items.find((i) => i.id === 'console-account')).toMatchObject({
          status: 'fail',
          cause: 'account.no-password',
        });
        expect(r.items.find((i) => i.id === 'root-access')?.status).toBe('ok');
      } finally {
        await server.execChecked(
          `rm -f /etc/sudoers.d/alice && echo 'alice:${PASSWORDS.alice}' | chpasswd && echo 'root:${PASSWORDS.root}' | chpasswd`,
        );
      }
    }, 60_000);

    it('vps-rescue killed during the reload: the server reverts by itself', async ({ expect }) => {
      await reset('.ssh');
      // A slow reload (as on a busy server) holds vps-rescue between the armed timer and its new login,
      // so the kill lands there every time instead of racing a login that takes milliseconds.
      await server.execChecked(
        "mkdir -p /etc/systemd/system/ssh.service.d && printf '[Service]\\nExecReload=/bin/sleep 4\\n' > /etc/systemd/system/ssh.service.d/slow.conf && systemctl daemon-reload",
      );
      // node itself (not npx, whose child would survive the kill): the kill reaches vps-rescue.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'lab/vps-rescue.ts', 'harden', ...common(), '--confirm-within', '10s'],
        { env: { ...process.env, SSH_AUTH_SOCK: '', PW: PASSWORDS.alice }, stdio: 'ignore' },
      );
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await server.waitFor(
          'systemctl list-timers --all --no-legend | grep -q vps-rescue-harden',
          60_000,
          'the timer',
        );
        child.kill('SIGKILL');
        await exited;
        await server.waitFor('test -f /var/backups/vps-rescue/harden-*/reverted', 40_000, 'the revert');
      } finally {
        child.kill('SIGKILL');
        await server.execChecked('rm -rf /etc/systemd/system/ssh.service.d && systemctl daemon-reload');
      }
      expect((await server.execChecked('base64 -w0 /etc/ssh/sshd_config')).trim()).toBe(pristine);
      expect(await server.execChecked('cat /var/backups/vps-rescue/harden-*/log')).toMatch(
        /reverted \(timer\): reloaded/,
      );
      expect((await passwordLogin()).ok).toBe(true);
    }, 90_000);
  });
});

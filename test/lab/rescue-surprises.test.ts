import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import {
  ALICE,
  bootScenario,
  createServer,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  PASSWORDS,
  type BootedScenario,
} from '../../lab/index.js';
import { startSimulator } from '../../lab/simulator/index.js';
import { main } from '../../src/cli/main.js';
import { withProviderRun } from './provider-run.js';
import { labDescribe } from '../support/lab-guard.js';

/** What no refused command may change: the account files and all of /etc/ssh (content, mode, owner). */
async function accountsAndSsh(b: BootedScenario): Promise<string> {
  return b.server.execChecked(
    "sha256sum /etc/passwd /etc/shadow /etc/group; find /etc/ssh -printf '%p %m %U %G %y\\n' | sort; find /etc/ssh -type f -exec sha256sum {} + | sort",
  );
}

interface CliRun {
  code: number;
  stderr: string;
  stdout: string;
  /** the stable code at the end of the error line */
  error?: string;
  outDir: string;
}

labDescribe('no surprises: refused input changes nothing on a real server', () => {
  let b: BootedScenario;
  let work: string;
  let n = 0;

  beforeAll(async () => {
    // alice exists (her key sits in ~/ssh instead of ~/.ssh), root login is off.
    b = await bootScenario('story-wrong-dir');
    work = mkdtempSync(join(tmpdir(), `vr-surprises-${process.pid}-`));
    writeFileSync(join(work, 'customer.pub'), `${b.key.publicKey}\n`);
  }, 180_000);
  afterAll(async () => {
    await b?.server.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `vps-rescue --console unix:… --host …` in process, stdin not a terminal, its own report folder. */
  async function cli(args: string[], consolePassword: string = PASSWORDS.root): Promise<CliRun> {
    const outDir = join(work, `out-${++n}`);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await main(
      [
        ...['--console', `unix:${b.server.consoleSocket}`, '--host', b.server.address],
        ...['--password-env', 'VR_CONSOLE_PW', '--out', outDir],
        ...args,
      ],
      {
        env: { ...process.env, VR_CONSOLE_PW: consolePassword },
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
      },
    );
    const err = stderr.join('\n');
    const last = err.split('\n').find((l) => l.startsWith('vps-rescue: '));
    return {
      code,
      stdout: stdout.join('\n'),
      stderr: err,
      error: /\[([\w.-]+)\]$/.exec(last ?? '')?.[1],
      outDir,
    };
  }

  /** Runs `args`, and proves the account files and /etc/ssh are byte for byte as before. */
  async function refused(expect: ExpectStatic, args: string[], consolePassword?: string): Promise<CliRun> {
    const before = await accountsAndSsh(b);
    const r = await cli(args, consolePassword);
    if (process.env.VR_SHOW) console.log(r.stderr, r.stdout);
    expect(await accountsAndSsh(b), r.stderr).toBe(before);
    return r;
  }

  describe('sequentially on one server', () => {
    it("a typo'd user (alcie): usage.unknown-user naming alice first, exit 2, nothing created", async ({
      expect,
    }) => {
      const r = await refused(expect, ['--user', 'alcie']);
      expect(r.error, r.stderr).toBe('usage.unknown-user');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/there is no account alcie on .*could be meant: alice, /);
      expect(r.stderr).toContain('--action create-user --user alcie');
      expect(await b.server.exec('getent passwd alcie')).toMatchObject({ code: 2 });
    }, 180_000);

    it('create-user for an existing user: usage.user-exists, her password untouched', async ({ expect }) => {
      const r = await refused(expect, ['--action', 'create-user', '--user', 'alice', '--yes']);
      expect(r.error, r.stderr).toBe('usage.user-exists');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--reset-password');
    }, 180_000);

    it('create-user without --user: a usage error before the console, no report folder', async ({
      expect,
    }) => {
      const r = await refused(expect, ['--action', 'create-user']);
      expect(r.error, r.stderr).toBe('usage.needs');
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(existsSync(r.outDir)).toBe(false);
    }, 180_000);

    it('a bad window (-5, abc): usage.bad-window before the console, no report folder', async ({
      expect,
    }) => {
      for (const w of ['-5', 'abc']) {
        const r = await refused(expect, ['--action', 'enable-password', '--user', 'alice', '--window', w]);
        expect(r.error, r.stderr).toBe('usage.bad-window');
        expect(r.code).toBe(2);
        expect(r.stderr.split('\n')).toHaveLength(1);
        expect(existsSync(r.outDir)).toBe(false);
      }
    }, 180_000);

    it('an existing --password-out file: usage.path-exists before anything, the file kept', async ({
      expect,
    }) => {
      const path = join(work, 'password.txt');
      writeFileSync(path, 'earlier content\n');
      const r = await refused(expect, [
        '--action',
        'create-user',
        '--user',
        'carol',
        '--yes',
        '--password-out',
        path,
      ]);
      expect(r.error, r.stderr).toBe('usage.path-exists');
      expect(r.code).toBe(2);
      expect(readFileSync(path, 'utf8')).toBe('earlier content\n');
      expect(existsSync(r.outDir)).toBe(false);
    }, 180_000);

    it('a wrong console password: console.login-failed as root, exit 5', async ({ expect }) => {
      const r = await refused(expect, ['--user', 'alice'], 'wrong-password-9f2');
      expect(r.error, r.stderr).toBe('console.login-failed');
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/login as root on the console was refused/);
      expect(r.stderr).not.toContain('wrong-password-9f2');
    }, 180_000);

    it('a new account without a terminal and without --yes: refused in one line, not created', async ({
      expect,
    }) => {
      const r = await refused(expect, ['--action', 'create-user', '--user', 'carol']);
      expect(r.error, r.stderr).toBe('usage.confirm-needed');
      expect(r.code).toBe(2);
      // Named on the command line, so refused before the console is even opened.
      expect(existsSync(r.outDir)).toBe(false);
      expect(await b.server.exec('getent passwd carol')).toMatchObject({ code: 2 });
    }, 180_000);

    it('--dry-run shows the plan (files and commands) and changes nothing', async ({ expect }) => {
      const key = join(work, 'customer.pub');
      const r = await refused(expect, ['--user', 'alice', '--key', key, '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('## Plan (what a real run would do; nothing was applied)');
      // The key fix first; the password window only if the key is still refused.
      expect(r.stdout).toMatch(/### 1\. fix — `[\w-]+`/);
      expect(r.stdout).toContain('`/home/alice/.ssh/authorized_keys`');
      expect(r.stdout).toMatch(/### 2\. enable-password — `[\w-]+`\n\n- only if the user is still refused/);
      expect(r.stdout).toContain('```sh');
      expect(r.stdout).toContain('No change was made to the server.');
      // diagnose shows what auto would do: without the customer's key, the key the customer put in
      // ~/ssh copied to where sshd reads it, and the password window only if that is still refused.
      const d = await refused(expect, ['--user', 'alice', '--action', 'diagnose']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout).toMatch(/### 1\. fix — `[\w-]+`\n\n- Files: `\/home\/alice\/\.ssh`/);
      expect(d.stdout).toMatch(/### 2\. enable-password — `[\w-]+`\n\n- only if the user is still refused/);
      expect(d.stdout).toContain('Password login window: 60 minutes, closed by a timer on the server');
      expect(d.stdout).not.toContain('### 3.');
      // Without --user (root): diagnose still reports, and says where a real run would stop.
      const root = await refused(expect, ['--action', 'diagnose']);
      expect(root.code, root.stderr).toBe(0);
      expect(root.stdout).toMatch(
        /- A real run would stop here: the rescue failed at enable-password: .* `rescue\.failed`/,
      );
    }, 180_000);

    it('the Japanese report of a real run is ready to paste: JST, no English outside code spans', async ({
      expect,
    }) => {
      const key = join(work, 'customer.pub');
      const r = await refused(expect, ['--user', 'alice', '--key', key, '--dry-run', '--lang', 'ja']);
      expect(r.code, r.stderr).toBe(0);
      const report = r.stdout.slice(0, r.stdout.lastIndexOf('\nレポート'));
      expect(report).toMatch(/- \*\*日時\*\*：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST/);
      expect(report).toContain('## 実行計画');
      const prose = report
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '')
        .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST/g, '')
        .replace(/\b(SSH|sshd|TCP)\b/g, '');
      expect(prose.match(/[A-Za-z][A-Za-z._-]+/g) ?? [], report).toEqual([]);
      expect(prose.match(/[:()]/g) ?? [], report).toEqual([]);
    }, 180_000);
  });

  describe('nobody could log in (root the only account, root login off)', () => {
    let r0: BootedScenario;
    beforeAll(async () => {
      r0 = await bootScenario('root-only-account');
    }, 180_000);
    afterAll(async () => {
      await r0?.server.destroy();
    });

    it('auto creates the account only after saying so and being confirmed', async ({ expect }) => {
      const key = join(work, 'root-only.pub');
      writeFileSync(key, `${r0.key.publicKey}\n`);
      const run = async (extra: string[]) => {
        const outDir = join(work, `out-r0-${++n}`);
        const stderr: string[] = [];
        const code = await main(
          [
            ...['--console', `unix:${r0.server.consoleSocket}`, '--host', r0.server.address],
            ...['--password-env', 'VR_CONSOLE_PW', '--out', outDir, '--user', 'admin', '--key', key],
            ...extra,
          ],
          {
            env: { ...process.env, VR_CONSOLE_PW: PASSWORDS.root },
            stdout: () => undefined,
            stderr: (t) => stderr.push(t),
          },
        );
        return { code, stderr: stderr.join('\n') };
      };
      const before = await accountsAndSsh(r0);
      // No terminal, no --yes: refused in one line after the finding, nothing created.
      const no = await run([]);
      expect(no.code, no.stderr).toBe(2);
      expect(no.stderr).toMatch(
        /no account can log in to .* creating the account admin .*needs confirmation.*\[usage\.confirm-needed\]/,
      );
      expect(await accountsAndSsh(r0)).toBe(before);
      // --yes: the reason is said before the transaction, then the account works with the key.
      const yes = await run(['--yes']);
      expect(yes.code, yes.stderr).toBe(0);
      const said = yes.stderr.indexOf('no account can log in to');
      const created = yes.stderr.indexOf('creating the admin account: transaction');
      expect(said, yes.stderr).toBeGreaterThan(-1);
      expect(created).toBeGreaterThan(said);
      // The digest does see a change to accounts (so its equality above means something).
      expect(await accountsAndSsh(r0)).not.toBe(before);
      const login = await r0.server.sshLogin({ user: 'admin', privateKeyPath: r0.key.privateKeyPath });
      expect(login.ok, login.stderr).toBe(true);
    }, 300_000);
  });

  it('an error before any console work (no such server at the provider) makes no report folder', async ({
    expect,
  }) => {
    const sim = await startSimulator({ servers: [] });
    const outDir = join(work, 'never-made');
    try {
      const stderr: string[] = [];
      const code = await main(
        [
          ...['--provider', 'conoha', '--endpoint', sim.endpoint('conoha'), '--host', '203.0.113.9'],
          ...['--password-env', 'VR_CONSOLE_PW', '--out', outDir],
        ],
        {
          env: { ...process.env, ...sim.env('conoha'), VR_CONSOLE_PW: 'x' },
          stdout: () => undefined,
          stderr: (t) => stderr.push(t),
        },
      );
      expect(code, stderr.join('\n')).toBe(4);
      expect(stderr.join('\n')).toMatch(/\[provider\.not-found\]$/);
      expect(existsSync(outDir)).toBe(false);
    } finally {
      await sim.close();
    }
  });

  it('through a provider, a wrong console password is console.login-failed (exit 5), the other ways as hints below', async ({
    expect,
  }) => {
    const server = await bootScenario('story-wrong-dir');
    await withProviderRun(server, 'linode', {}, async (r) => {
      const before = await accountsAndSsh(server);
      // --dry-run: the rescue system (the other way Linode offers) would reboot the server, so it is skipped.
      const run = await r.cli(
        server.server.address,
        ['--user', 'alice', '--password-env', 'VR_PW', '--dry-run'],
        {
          VR_PW: 'wrong-password-7d3',
        },
      );
      expect(run.code, run.stderr).toBe(5);
      const lines = run.stderr.split('\n');
      const at = lines.findIndex((l) => l.startsWith('vps-rescue: '));
      expect(lines[at]).toMatch(
        /^vps-rescue: login as root on the console was refused .*\[console\.login-failed\]$/,
      );
      expect(lines[at]!.length).toBeLessThan(160);
      expect(
        lines.slice(at + 1).some((l) => /^ {2}rescue system: /.test(l)),
        run.stderr,
      ).toBe(true);
      expect(run.stderr).not.toContain('wrong-password-7d3');
      expect(await accountsAndSsh(server)).toBe(before);
    });
  }, 300_000);

  it('a first password for an account that has none: confirmed first, then handed over in the new --password-out file', async ({
    expect,
  }) => {
    const key = await generateKeyPair();
    // alice without a password (like `adduser --disabled-password`), her key in the wrong place.
    const server = await createServer({
      ...hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, dir: 'ssh' }), {
        users: [{ ...ALICE, password: undefined }],
      }),
      waitForSshd: false,
    });
    try {
      const b0 = { server, key } as BootedScenario;
      const out = join(work, `pw-out-${process.pid}`);
      const args = ['--console', `unix:${server.consoleSocket}`, '--host', server.address, '--user', 'alice'];
      const run = async (extra: string[]) => {
        const stderr: string[] = [];
        const code = await main([...args, '--password-env', 'VR_PW', '--out', join(work, 'r-pw'), ...extra], {
          env: { ...process.env, VR_PW: PASSWORDS.root },
          stdout: () => undefined,
          stderr: (t) => stderr.push(t),
        });
        return { code, stderr: stderr.join('\n') };
      };
      const before = await accountsAndSsh(b0);
      const no = await run(['--action', 'enable-password', '--window', '5', '--password-out', out]);
      expect(no.code, no.stderr).toBe(2);
      expect(no.stderr).toMatch(
        /giving alice .* a generated password .*needs confirmation.*nothing was changed\) \[usage\.confirm-needed\]/,
      );
      expect(await accountsAndSsh(b0)).toBe(before);
      expect(existsSync(out)).toBe(false);

      const yes = await run(['--action', 'enable-password', '--window', '5', '--password-out', out, '--yes']);
      expect(yes.code, yes.stderr).toBe(0);
      const password = readFileSync(out, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(yes.stderr).not.toContain(password);
      const login = await server.sshLogin({ user: 'alice', password });
      expect(login.ok, login.stderr).toBe(true);
    } finally {
      await server.destroy();
    }
  }, 300_000);
});

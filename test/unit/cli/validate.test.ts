import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { EXIT_CODES } from '../../../src/errors/codes.js';
import { checkRescueInput, parseWindow } from '../../../src/cli/validate.js';
import { errorCodeOf } from '../../support/error-code.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVz customer@pc';

let dir: string;
let console_: Server;
let connections = 0;
let consoleUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), `vr-validate-${process.pid}-`));
  // A console that counts who connects: a refused input must never reach it.
  console_ = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => console_.listen(0, '127.0.0.1', r));
  const port = (console_.address() as { port: number }).port;
  consoleUrl = `tcp://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => console_.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** One run of the CLI on the counting console, with the report folder inside the test's folder. */
async function run(args: string[], lang: 'en' | 'ja' = 'en') {
  const out = join(dir, `reports-${Math.random().toString(36).slice(2)}`);
  const err: string[] = [];
  const code = await main(
    [
      ...(args.includes('--console') ? [] : ['--console', consoleUrl]),
      ...['--host', '127.0.0.1', '--lang', lang],
      ...(args.includes('--out') ? [] : ['--out', out]),
      ...(args.some((a) => a.startsWith('--password-')) ? [] : ['--password-env', 'VR_PW']),
      ...args,
    ],
    { stdout: () => undefined, stderr: (s) => err.push(s), env: { VR_PW: 'not-used' } },
  );
  const text = err.join('\n');
  return {
    code,
    err: text,
    lines: text.split('\n'),
    code_: /\[([\w.-]+)\]$/.exec(text)?.[1],
    outMade: existsSync(out),
  };
}

describe('every input is checked before the console is touched', () => {
  const cases: { name: string; args: string[]; code: string; text?: RegExp }[] = [
    { name: '--window abc', args: ['--window', 'abc'], code: 'usage.bad-window', text: /1 to 1440/ },
    { name: '--window -5', args: ['--window', '-5'], code: 'usage.bad-window' },
    { name: '--window 0', args: ['--window', '0'], code: 'usage.bad-window' },
    { name: '--window 1.5', args: ['--window', '1.5'], code: 'usage.bad-window' },
    { name: '--window 1441', args: ['--window', '1441'], code: 'usage.bad-window' },
    { name: '--window 1e3', args: ['--window', '1e3'], code: 'usage.bad-window' },
    { name: '--permanent with --window', args: ['--permanent', '--window', '30'], code: 'usage.conflict' },
    {
      name: 'create-user without --user',
      args: ['--action', 'create-user'],
      code: 'usage.needs',
      text: /--user NAME/,
    },
    {
      name: 'authorize-key without --key',
      args: ['--action', 'authorize-key', '--user', 'alice'],
      code: 'usage.needs',
    },
    {
      name: '--window with diagnose',
      args: ['--action', 'diagnose', '--window', '30'],
      code: 'usage.no-effect',
    },
    {
      name: '--reset-password with fix',
      args: ['--action', 'fix', '--reset-password'],
      code: 'usage.no-effect',
    },
    { name: 'a user name with a space', args: ['--user', 'al ice'], code: 'usage.bad-user-name' },
    { name: 'a user name with shell characters', args: ['--user', 'a;reboot'], code: 'usage.bad-user-name' },
    { name: 'an upper-case console user', args: ['--console-user', 'Root'], code: 'usage.bad-user-name' },
    { name: '--ssh-port 0', args: ['--ssh-port', '0'], code: 'usage.bad-port' },
    { name: '--ssh-port x', args: ['--ssh-port', 'x'], code: 'usage.bad-port' },
    { name: 'an unknown time zone', args: ['--tz', 'Mars/Olympus'], code: 'usage.bad-tz' },
    { name: 'a missing key file', args: ['--key', '/nonexistent/k.pub'], code: 'usage.unreadable-file' },
    { name: 'a missing identity', args: ['--identity', '/nonexistent/id'], code: 'usage.unreadable-file' },
    { name: 'an unset password variable', args: ['--password-env', 'VR_UNSET'], code: 'usage.env-missing' },
    {
      name: 'a password file and variable',
      args: ['--password-file', '/etc/hostname', '--password-env', 'VR_PW'],
      code: 'usage.conflict',
    },
    {
      name: 'create-user without --yes and no terminal',
      args: ['--action', 'create-user', '--user', 'carol'],
      code: 'usage.confirm-needed',
    },
    {
      name: '--reset-password without --yes and no terminal',
      args: ['--action', 'enable-password', '--user', 'alice', '--reset-password'],
      code: 'usage.confirm-needed',
    },
    { name: 'a console URL that cannot be used', args: ['--console', 'gopher://x'], code: 'usage' },
    { name: '--out naming a file', args: ['--out', '/etc/hostname'], code: 'usage.path-not-writable' },
    { name: '--out under a file', args: ['--out', '/etc/hostname/reports'], code: 'usage.path-not-writable' },
    { name: 'a repeated option', args: ['--user', 'alice', '--user', 'bob'], code: 'usage.repeated' },
    {
      name: '--password-out in a missing folder',
      args: ['--password-out', '/nonexistent/dir/pw'],
      code: 'usage.path-not-writable',
    },
    {
      name: '--dry-run with --password-out',
      args: ['--dry-run', '--password-out', '/tmp/x-never'],
      code: 'usage.conflict',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one line, exit 2, ${c.code}, no folder, no console`, async () => {
      const before = connections;
      const r = await run(c.args);
      expect(r.code_, r.err).toBe(c.code);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.lines).toHaveLength(1);
      if (c.text) expect(r.err).toMatch(c.text);
      expect(r.outMade).toBe(false);
      expect(connections).toBe(before);
    });
  }

  it('an existing --password-out file is refused, and left as it was', async () => {
    const path = join(dir, 'existing-pw.txt');
    writeFileSync(path, 'keep me\n');
    const r = await run(['--password-out', path]);
    expect(r.code_).toBe('usage.path-exists');
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.lines).toHaveLength(1);
  });

  it('a key file that holds no public key, and a private key given as --key, are refused', async () => {
    const junk = join(dir, 'junk.pub');
    writeFileSync(junk, 'hello world\n');
    expect((await run(['--key', junk])).code_).toBe('usage.bad-key');
    const priv = join(dir, 'id');
    writeFileSync(priv, '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    const r = await run(['--key', priv]);
    expect(r.code_).toBe('usage.bad-key');
    expect(r.err).not.toContain('AAAA');
    const pub = join(dir, 'ok.pub');
    writeFileSync(pub, `${KEY}\n`);
    expect((await run(['--identity', pub])).code_).toBe('usage.bad-key');
  });

  it('the errors are in Japanese with --lang ja, with full-width punctuation', async () => {
    const r = await run(['--window', 'abc'], 'ja');
    expect(r.err).toBe('vps-rescue: --window abc：1～1440 の整数（分）で指定してください [usage.bad-window]');
    const k = await run(['--key', '/nonexistent/k.pub'], 'ja');
    expect(k.err).toBe(
      'vps-rescue: --key `/nonexistent/k.pub` を読み込めません\uff08ファイルがありません\uff09 [usage.unreadable-file]',
    );
    // A path is code: its own brackets stay as they are.
    const p = await run(['--key', '/nonexistent/my (1).pub'], 'ja');
    expect(p.err).toContain('`/nonexistent/my (1).pub`');
    const n = await run(['--action', 'create-user'], 'ja');
    expect(n.err).toMatch(/--action create-user には --user NAME が必要です \[usage\.needs\]$/);
  });

  it('valid input reaches the console (the check is not refusing everything)', async () => {
    const before = connections;
    const r = await run(['--window', '30', '--user', 'alice', '--action', 'enable-password']);
    expect(r.code_).not.toMatch(/^usage/);
    expect(connections).toBeGreaterThan(before);
    expect(r.outMade).toBe(true);
  });
});

describe('parseWindow', () => {
  it('takes whole minutes 1..1440 and defaults to 60', () => {
    expect(parseWindow(undefined)).toBe(60);
    expect(parseWindow('1')).toBe(1);
    expect(parseWindow(' 1440 ')).toBe(1440);
  });
  it('refuses anything else with usage.bad-window', async () => {
    for (const v of ['', 'abc', '-5', '0', '1441', '2.5', '0x10', '10m'])
      expect(await errorCodeOf(Promise.resolve().then(() => parseWindow(v)))).toBe('usage.bad-window');
  });
});

describe('--help in Japanese', () => {
  it('describes the rescue options in Japanese', async () => {
    const out: string[] = [];
    await main(['rescue', '--help', '--lang', 'ja'], {
      stdout: (s) => out.push(s),
      stderr: () => undefined,
      env: {},
    });
    const text = out.join('\n');
    expect(text).toContain('パスワードログインを許可する時間');
    expect(text).toContain('何も変更せず、診断結果と実行計画を報告する');
    expect(text).not.toContain('minutes the password login stays open');
  });
});

describe('--ssh-port', () => {
  it('is told apart from the default: only a named port is the customer’s own', () => {
    const base = {
      host: 'vps.example',
      action: 'diagnose',
      console: consoleUrl,
      out: join(dir, 'named-port'),
    };
    expect(checkRescueInput(base, {})).toMatchObject({ sshPort: 22, sshPortNamed: false });
    expect(checkRescueInput({ ...base, 'ssh-port': '22' }, {})).toMatchObject({
      sshPort: 22,
      sshPortNamed: true,
    });
  });
});

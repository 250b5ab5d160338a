import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKeysDir } from './keys.js';
import { run } from './run.js';

export interface SshLoginOptions {
  user: string;
  privateKeyPath?: string;
  password?: string;
  /** Remote command; default prints the user name so success is proven, not assumed. */
  command?: string;
  port?: number;
  /** the server's public host keys (`type base64`): when given, the login accepts only these */
  hostKeys?: string[];
}

export interface SshLoginResult {
  ok: boolean;
  code: number;
  stdout: string;
  stderr: string;
  /** sshd itself said no; a timeout or a reset under load is a failure but not a refusal. */
  refused: boolean;
}

let askpass: Promise<string> | undefined;

/**
 * The SSH_ASKPASS helper, written once per process into this process's own key directory: one file
 * shared by concurrent processes was rewritten while another's ssh ran it (ETXTBSY).
 */
export function askpassScript(): Promise<string> {
  askpass ??= (async () => {
    const path = join(await ensureKeysDir(), 'askpass.sh');
    // The password comes from the environment of this one ssh process, never from argv.
    await writeFile(path, '#!/bin/sh\nprintf "%s\\n" "$LAB_SSH_PASSWORD"\n', { mode: 0o700 });
    await chmod(path, 0o700);
    return path;
  })();
  return askpass;
}

/** A known_hosts file of these keys only, in a private directory of this login (removed after it). */
async function pinnedHosts(hostKeys: string[]): Promise<{ options: string[]; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vr-known-hosts-'));
  const file = join(dir, 'known_hosts');
  await writeFile(file, hostKeys.map((k) => `pinned ${k}\n`).join(''), { mode: 0o600 });
  return {
    options: [
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${file}`,
      '-o',
      'HostKeyAlias=pinned',
    ],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A real OpenSSH client login to a lab server, with nothing from this machine's own ssh config. With
 * `hostKeys` the server must prove one of them (StrictHostKeyChecking=yes); without, any is taken.
 */
export async function sshLogin(address: string, opts: SshLoginOptions): Promise<SshLoginResult> {
  const pinned = opts.hostKeys ? await pinnedHosts(opts.hostKeys) : undefined;
  try {
    return await login(address, opts, pinned?.options);
  } finally {
    await pinned?.remove();
  }
}

async function login(
  address: string,
  opts: SshLoginOptions,
  pinned: string[] | undefined,
): Promise<SshLoginResult> {
  const common = [
    '-F',
    'none',
    '-p',
    String(opts.port ?? 22),
    ...(pinned ?? ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null']),
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'ConnectTimeout=20',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'NumberOfPasswordPrompts=1',
    '-o',
    'KbdInteractiveAuthentication=no',
  ];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent' };
  let auth: string[];
  if (opts.privateKeyPath) {
    auth = [
      '-o',
      'BatchMode=yes',
      '-o',
      'PreferredAuthentications=publickey',
      '-o',
      'PasswordAuthentication=no',
      '-i',
      opts.privateKeyPath,
    ];
  } else if (opts.password !== undefined) {
    auth = [
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'IdentityFile=none',
    ];
    Object.assign(env, {
      SSH_ASKPASS: await askpassScript(),
      SSH_ASKPASS_REQUIRE: 'force',
      DISPLAY: 'none',
      LAB_SSH_PASSWORD: opts.password,
    });
  } else {
    throw new Error('sshLogin needs privateKeyPath or password');
  }
  const command = opts.command ?? 'id -un';
  const r = await run('ssh', [...common, ...auth, '-l', opts.user, address, command], {
    env,
    timeoutMs: 30_000,
  });
  const ok = r.code === 0 && (opts.command !== undefined || r.stdout.trim() === opts.user);
  const refused = !ok && /Permission denied/.test(r.stderr);
  return { ok, code: r.code, stdout: r.stdout, stderr: r.stderr, refused };
}

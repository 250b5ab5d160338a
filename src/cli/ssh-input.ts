import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { RescueError } from '../errors/rescue-error.js';
import { PRIVATE_KEY_PATTERN } from '../keys/key-types.js';
import { assertFingerprint, type HostKeyPolicy } from '../preflight/host-key.js';
import { DROPIN_NAME, type HardeningPlan } from '../preflight/plan.js';
import type { SshCredentials } from '../preflight/ssh-shell.js';
import { registerSecret } from '../secrets.js';
import type { Lang } from '../i18n/index.js';
import { assertOutDir, assertUserName, parsePort } from './validate.js';

/*
 * The input of `preflight` and `harden`, checked before the provider is asked or the server is
 * touched: a bad value is one line and the usage exit code.
 */

export const MAX_CONFIRM_MINUTES = 60;
/** Below this a reload and a new login cannot reliably happen before the revert. */
const MIN_CONFIRM_SECONDS = 10;

export interface SshInput {
  host: string;
  port: number;
  user: string;
  credentials: SshCredentials;
  hostKey: HostKeyPolicy;
  plan: HardeningPlan;
  provider?: string;
  endpoint?: string;
  outDir: string;
  confirmSeconds: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function readInput(option: string, path: string, lang: Lang): string {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const reason =
      code === 'ENOENT'
        ? lang === 'ja'
          ? 'ファイルがありません'
          : 'no such file'
        : code === 'EISDIR'
          ? lang === 'ja'
            ? 'ファイルではなくフォルダーです'
            : 'a folder, not a file'
          : code;
    throw new RescueError('usage.unreadable-file', { option, path, reason });
  }
}

/** `--confirm-within`: whole minutes (1..60), or seconds written `90s` (at least 10). */
export function parseConfirmWithin(value: unknown): number {
  if (value === undefined) return 5 * 60;
  const text = String(value).trim();
  const minutes = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (minutes >= 1 && minutes <= MAX_CONFIRM_MINUTES) return minutes * 60;
  const seconds = /^\d{1,4}s$/.test(text) ? Number(text.slice(0, -1)) : NaN;
  if (seconds >= MIN_CONFIRM_SECONDS && seconds <= MAX_CONFIRM_MINUTES * 60) return seconds;
  throw new RescueError('usage.bad-confirm-within', { value: text || '""', max: MAX_CONFIRM_MINUTES });
}

function planFrom(a: Record<string, unknown>, lang: Lang): HardeningPlan {
  const config = str(a.config);
  const dropin = str(a.dropin);
  if (config !== undefined && dropin !== undefined)
    throw new RescueError('usage.conflict', { first: '--config', second: '--dropin' });
  if (config !== undefined)
    return { kind: 'config', text: readInput('--config', config, lang), source: config };
  if (dropin !== undefined) {
    const name = basename(dropin);
    if (!DROPIN_NAME.test(name)) throw new RescueError('usage.bad-dropin-name', { value: name });
    return { kind: 'dropin', name, text: readInput('--dropin', dropin, lang), source: dropin };
  }
  return { kind: 'default' };
}

/** All of the input, checked and read; throws a usage.* RescueError on the first bad one. */
export function checkSshInput(a: Record<string, unknown>, env: NodeJS.ProcessEnv, lang: Lang): SshInput {
  for (const [name, value] of Object.entries(a))
    if (Array.isArray(value) && name !== '_')
      throw new RescueError('usage.repeated', { option: `--${name}` });
  const host = str(a.host)?.trim() ?? '';
  if (!host || /[\s/@]/.test(host)) throw new RescueError('usage.bad-host', { value: host || '""' });
  const port = parsePort(a['ssh-port']);
  const user = assertUserName('--user', str(a.user) ?? '');
  const identity = str(a.identity);
  const credentials: SshCredentials = {};
  if (identity !== undefined) {
    const text = readInput('--identity', identity, lang);
    if (!PRIVATE_KEY_PATTERN.test(text))
      throw new RescueError('usage.bad-key', {
        option: '--identity',
        path: identity,
        kind: lang === 'ja' ? '秘密' : 'private',
        reason: 'not-a-private-key',
      });
    registerSecret(text);
    credentials.privateKey = text;
  } else if (env.SSH_AUTH_SOCK) {
    credentials.agent = env.SSH_AUTH_SOCK;
  }
  const pwFile = str(a['password-file']);
  const pwEnv = str(a['password-env']);
  if (pwFile !== undefined && pwEnv !== undefined)
    throw new RescueError('usage.conflict', { first: '--password-file', second: '--password-env' });
  if (pwFile !== undefined)
    credentials.password = readInput('--password-file', pwFile, lang).replace(/\r?\n$/, '');
  if (pwEnv !== undefined) {
    if (env[pwEnv] === undefined)
      throw new RescueError('usage.env-missing', { option: '--password-env', name: pwEnv });
    credentials.password = env[pwEnv];
  }
  registerSecret(credentials.password);
  if (!credentials.privateKey && !credentials.agent && credentials.password === undefined)
    throw new RescueError('usage.needs', {
      option: `--user ${user}`,
      needed: '--identity FILE, an SSH agent (SSH_AUTH_SOCK) or --password-env/--password-file',
    });
  const fingerprint = str(a['host-key']);
  const knownHosts = str(a['known-hosts']);
  if (fingerprint !== undefined && knownHosts !== undefined)
    throw new RescueError('usage.conflict', { first: '--host-key', second: '--known-hosts' });
  const hostKey: HostKeyPolicy =
    fingerprint !== undefined
      ? { kind: 'fingerprint', value: assertFingerprint('--host-key', fingerprint) }
      : { kind: 'known-hosts', file: knownHosts ?? join(env.HOME ?? homedir(), '.ssh', 'known_hosts') };
  if (knownHosts !== undefined) readInput('--known-hosts', knownHosts, lang);
  const provider = str(a.provider);
  const endpoint = str(a.endpoint);
  if (endpoint !== undefined && provider === undefined)
    throw new RescueError('usage.needs', { option: '--endpoint', needed: '--provider ID' });
  return {
    host,
    port,
    user,
    credentials,
    hostKey,
    plan: planFrom(a, lang),
    ...(provider !== undefined ? { provider } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    outDir: assertOutDir(str(a.out) ?? 'vps-rescue-reports'),
    confirmSeconds: parseConfirmWithin(a['confirm-within']),
  };
}

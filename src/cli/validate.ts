import { accessSync, constants, lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseConnectUrl } from '../console/transport/index.js';
import { RescueError } from '../errors/rescue-error.js';
import { normalizePublicKey } from '../keys/normalize.js';
import { PRIVATE_KEY_PATTERN } from '../keys/key-types.js';
import { ACTIONS, type Action } from '../rescue/plan.js';
import { t, type Lang } from '../i18n/index.js';

/*
 * Every input of the rescue command is checked here, before a provider is asked or a console is
 * opened: a bad value ends the run with one line and the usage exit code, and nothing was touched.
 */

/** A day: a password window longer than that is a permanent one, which has its own option. */
export const MAX_WINDOW_MINUTES = 1440;
export const DEFAULT_WINDOW_MINUTES = 60;

/** What useradd accepts by default on Debian/RHEL (NAME_REGEX), and what a console can type safely. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Actions that never open a password window: the window options would be silently ignored. */
const NO_WINDOW: readonly Action[] = ['diagnose', 'fix', 'authorize-key'];

export interface RescueInput {
  action: Action;
  host: string;
  sshPort: number;
  /** --ssh-port was given: the customer's port, not the default (sshd elsewhere is then not proven) */
  sshPortNamed: boolean;
  user?: string;
  consoleUser: string;
  windowMinutes: number;
  permanent: boolean;
  resetPassword: boolean;
  /** the customer's public key, read and checked */
  customerKey?: string;
  /** the customer's private key (secret), read */
  privateKey?: string;
  passwordOut?: string;
  outDir: string;
  timeZone?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const given = (v: unknown) => v !== undefined && v !== false;

/** Whole minutes 1..MAX_WINDOW_MINUTES, written as digits only ("abc", "-5", "1.5", "1e3" are refused). */
export function parseWindow(value: unknown): number {
  if (value === undefined) return DEFAULT_WINDOW_MINUTES;
  const text = String(value).trim();
  const minutes = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(minutes >= 1 && minutes <= MAX_WINDOW_MINUTES))
    throw new RescueError('usage.bad-window', { value: text || '""', max: MAX_WINDOW_MINUTES });
  return minutes;
}

export function parsePort(value: unknown): number {
  if (value === undefined) return 22;
  const text = String(value).trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new RescueError('usage.bad-port', { value: text || '""' });
  return port;
}

export function assertUserName(option: string, value: string): string {
  if (!USER_NAME.test(value)) throw new RescueError('usage.bad-user-name', { option, value });
  return value;
}

export function assertTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new RescueError('usage.bad-tz', { value });
  }
  return value;
}

const FILE_REASONS: Record<string, Record<Lang, string>> = {
  ENOENT: { en: 'no such file', ja: 'ファイルがありません' },
  EACCES: { en: 'permission denied', ja: '読み取り権限がありません' },
  EISDIR: { en: 'a folder, not a file', ja: 'ファイルではなくフォルダーです' },
};

function reasonOf(err: unknown, lang: Lang): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return FILE_REASONS[code]?.[lang] ?? (code || String(err));
}

function readInput(option: string, path: string, lang: Lang): string {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new RescueError('usage.unreadable-file', { option, path, reason: reasonOf(err, lang) });
  }
}

function writableDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A new file for a secret: nothing there yet (not even a dangling link), in a writable folder. */
export function assertNewFile(option: string, path: string): string {
  let exists = true;
  try {
    lstatSync(path);
  } catch {
    exists = false;
  }
  if (exists) throw new RescueError('usage.path-exists', { option, path });
  const dir = dirname(resolve(path));
  if (!writableDir(dir)) throw new RescueError('usage.path-not-writable', { option, path, dir });
  return path;
}

/** The report folder: writable if it exists, else its nearest existing ancestor must be (it is made later). */
export function assertOutDir(path: string): string {
  let dir = resolve(path);
  for (;;) {
    let exists = true;
    try {
      lstatSync(dir);
    } catch {
      exists = false;
    }
    if (exists) {
      if (!writableDir(dir)) throw new RescueError('usage.path-not-writable', { option: '--out', path, dir });
      return path;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new RescueError('usage.path-not-writable', { option: '--out', path, dir });
    dir = parent;
  }
}

function publicKeyFrom(path: string, lang: Lang): string {
  const text = readInput('--key', path, lang);
  const r = normalizePublicKey(text);
  if (!r.ok)
    throw new RescueError('usage.bad-key', {
      option: '--key',
      path,
      kind: lang === 'ja' ? '公開' : 'public',
      reason: r.problem,
    });
  return text;
}

function privateKeyFrom(path: string, lang: Lang): string {
  const text = readInput('--identity', path, lang);
  if (!PRIVATE_KEY_PATTERN.test(text))
    throw new RescueError('usage.bad-key', {
      option: '--identity',
      path,
      kind: lang === 'ja' ? '秘密' : 'private',
      reason: 'not-a-private-key',
    });
  return text;
}

function assertSecretSource(
  o: { file: unknown; env: unknown; fileOption: string; envOption: string; lang: Lang },
  env: NodeJS.ProcessEnv,
) {
  const file = str(o.file);
  const name = str(o.env);
  if (file !== undefined && name !== undefined)
    throw new RescueError('usage.conflict', { first: o.fileOption, second: o.envOption });
  if (file !== undefined) readInput(o.fileOption, file, o.lang);
  if (name !== undefined && env[name] === undefined)
    throw new RescueError('usage.env-missing', { option: o.envOption, name });
}

function assertCombinations(a: Record<string, unknown>, action: Action): void {
  if (!a.provider === !a.console)
    throw new RescueError('usage.needs', {
      option: 'vps-rescue',
      needed: '--provider ID or --console URL (one of them)',
    });
  if (given(a.permanent) && given(a.window))
    throw new RescueError('usage.conflict', { first: '--permanent', second: `--window ${String(a.window)}` });
  if (action === 'create-user' && !str(a.user))
    throw new RescueError('usage.needs', { option: '--action create-user', needed: '--user NAME' });
  if (action === 'authorize-key' && !str(a.key))
    throw new RescueError('usage.needs', { option: '--action authorize-key', needed: '--key FILE' });
  if (NO_WINDOW.includes(action)) {
    for (const option of ['window', 'permanent', 'expire-password', 'reset-password', 'password-out'])
      if (given(a[option])) throw new RescueError('usage.no-effect', { option: `--${option}`, action });
  }
  if (action === 'create-user' && given(a['reset-password']))
    throw new RescueError('usage.no-effect', { option: '--reset-password', action });
  if (given(a['dry-run']) && given(a['password-out']))
    throw new RescueError('usage.conflict', { first: '--dry-run', second: '--password-out' });
}

/**
 * A change to accounts named on the command line is confirmed on a terminal or by --yes: without
 * either it is refused here, before the console, not halfway through the run.
 */
function assertConfirmable(
  a: Record<string, unknown>,
  o: { action: Action; host: string; user?: string; lang: Lang; interactive: boolean },
): void {
  if (given(a.yes) || o.interactive || given(a['dry-run'])) return;
  const kind =
    o.action === 'create-user' ? 'create-user' : given(a['reset-password']) ? 'reset-password' : undefined;
  if (!kind || !o.user) return;
  const change = t(o.lang, `cli.change.${kind}`, { user: o.user, host: o.host });
  throw new RescueError('usage.confirm-needed', { change, state: t(o.lang, 'cli.state.unchanged') });
}

/** All of the rescue command's input, checked and read; throws a usage.* RescueError on the first bad one. */
export function checkRescueInput(
  a: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  o: { lang: Lang; interactive: boolean } = { lang: 'en', interactive: false },
): RescueInput {
  // yargs turns a repeated option into a list: which one was meant is not ours to guess.
  for (const [name, value] of Object.entries(a))
    if (Array.isArray(value) && name !== '_')
      throw new RescueError('usage.repeated', { option: `--${name}` });
  const action = str(a.action) ?? 'auto';
  if (!(ACTIONS as readonly string[]).includes(action))
    throw new RescueError('usage.needs', { option: '--action', needed: ACTIONS.join(', ') });
  const host = str(a.host)?.trim() ?? '';
  if (!host || /[\s/@]/.test(host)) throw new RescueError('usage.bad-host', { value: host || '""' });
  assertCombinations(a, action as Action);
  // A console URL that cannot be used is bad input too (parsing opens nothing).
  if (str(a.console) !== undefined) parseConnectUrl(str(a.console)!);
  const windowMinutes = parseWindow(a.window);
  const sshPort = parsePort(a['ssh-port']);
  const user = str(a.user) === undefined ? undefined : assertUserName('--user', str(a.user)!);
  const consoleUser = assertUserName('--console-user', str(a['console-user']) ?? 'root');
  const timeZone = str(a.tz) === undefined ? undefined : assertTimeZone(str(a.tz)!);
  assertSecretSource(
    {
      file: a['password-file'],
      env: a['password-env'],
      fileOption: '--password-file',
      envOption: '--password-env',
      lang: o.lang,
    },
    env,
  );
  assertSecretSource(
    {
      file: a['user-password-file'],
      env: a['user-password-env'],
      fileOption: '--user-password-file',
      envOption: '--user-password-env',
      lang: o.lang,
    },
    env,
  );
  const customerKey = str(a.key) === undefined ? undefined : publicKeyFrom(str(a.key)!, o.lang);
  const privateKey = str(a.identity) === undefined ? undefined : privateKeyFrom(str(a.identity)!, o.lang);
  const passwordOut =
    str(a['password-out']) === undefined
      ? undefined
      : assertNewFile('--password-out', str(a['password-out'])!);
  const outDir = assertOutDir(str(a.out) ?? 'vps-rescue-reports');
  assertConfirmable(a, { action: action as Action, host, user, ...o });
  return {
    action: action as Action,
    host,
    sshPort,
    sshPortNamed: a['ssh-port'] !== undefined,
    user,
    consoleUser,
    windowMinutes,
    permanent: given(a.permanent),
    resetPassword: given(a['reset-password']),
    customerKey,
    privateKey,
    passwordOut,
    outDir,
    timeZone,
  };
}

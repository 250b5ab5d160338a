import { analyse, type Diagnosis } from '../diagnose/analyse.js';
import type { Collection } from '../diagnose/collection.js';
import { describeFinding } from '../diagnose/describe.js';
import type { Finding } from '../diagnose/findings.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import { collect } from '../rescue/server-io.js';
import { RescueError } from '../errors/rescue-error.js';
import { collectCandidate } from './predict.js';
import { intendedSettings, type HardeningPlan } from './plan.js';
import type { SshShell } from './ssh-shell.js';
import {
  consoleAccounts,
  consoleCandidates,
  findGettys,
  type ConsoleAccount,
  type Gettys,
  type ProviderWayBack,
} from './way-back.js';

export const CHECK_IDS = [
  'login-today',
  'root-access',
  'key-today',
  'candidate-syntax',
  'key-after',
  'hardening-effective',
  'console-api',
  'console-account',
  'console-getty',
  'run-command',
  'rescue-system',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

/** One line of the checklist: what was checked, the outcome, the cause code and what to do. */
export interface CheckItem {
  id: CheckId;
  status: CheckStatus;
  cause?: string;
  detail: string;
  fix?: string;
}

/** The answer: would the hardening lock the user out, and is there a way back if something goes wrong. */
export type Verdict = 'safe' | 'lockout' | 'no-way-back' | 'way-back-unknown';

export interface PreflightResult {
  host: string;
  port: number;
  user: string;
  plan: string;
  clientAddress: string;
  hostKey: string;
  loginMethod: string;
  /** the cause that would stop the user's key login after the change (none: it still works) */
  lockout?: { cause: string; path?: string; sentence: string; fix: string };
  /** the key login today, as the analyser sees it */
  keyToday?: { cause: string; sentence: string };
  items: CheckItem[];
  wayBack: 'yes' | 'no' | 'unknown';
  verdict: Verdict;
}

export interface PreflightInput {
  shell: SshShell;
  host: string;
  port: number;
  user: string;
  plan: HardeningPlan;
  /** the public keys the user will log in with (`type base64`) */
  publicKeys: string[];
  /** the provider's answers, when --provider was given */
  provider?: ProviderWayBack;
  lang: Lang;
  now?: Date;
}

const msg = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  t(lang, `preflight.${key}` as MessageKey, params);

/** The address this client's connection comes from, as the server sees it (SSH_CONNECTION). */
export async function clientAddressOf(shell: SshShell): Promise<string> {
  // The last line: a login script of the user may print before the command runs.
  const r = await shell.runAsUser('printf "\\nVR-FROM %s\\n" "$SSH_CONNECTION"');
  const line =
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('VR-FROM '))
      .pop() ?? '';
  const first = line.split(/\s+/)[1] ?? '';
  if (!/^[0-9a-f.:]{2,45}$/i.test(first))
    throw new RescueError('preflight.cannot-predict', {
      reason: 'the server did not say where this connection comes from (SSH_CONNECTION)',
    });
  return first.replace(/^::ffff:/, '');
}

/** The key login the analyser predicts for the best of the user's keys: the blocking finding, or none. */
function keyVerdict(
  collection: Collection,
  o: { users: string[]; keys: string[]; clientAddress: string; port: number; now?: Date },
): { diagnosis: Diagnosis; primary?: Finding } {
  let worst: { diagnosis: Diagnosis; primary?: Finding } | undefined;
  for (const customerKey of o.keys.length > 0 ? o.keys : [undefined]) {
    const diagnosis = analyse({
      collection,
      users: o.users,
      ...(customerKey ? { customerKey } : {}),
      clientAddress: o.clientAddress,
      sshPort: o.port,
      ...(o.now ? { now: o.now } : {}),
    });
    if (!diagnosis.primary) return { diagnosis };
    worst ??= { diagnosis, primary: diagnosis.primary };
  }
  return worst!;
}

function describe(f: Finding, lang: Lang) {
  const d = describeFinding(f, lang);
  return { cause: f.cause, ...(f.path ? { path: f.path } : {}), sentence: d.sentence, fix: d.fix };
}

/**
 * Collects the server as it is and as it would be with the plan, and answers the two questions of
 * a hardening: would the user still get in (the server's own sshd on the candidate, and the
 * analyser's key-chain and account checks), and is there a way back (console, account, getty, the
 * vendor's other ways). Reads only; the candidate never leaves its root-only directory.
 */
export async function preflight(i: PreflightInput): Promise<PreflightResult> {
  const { shell, lang } = i;
  const items: CheckItem[] = [];
  const add = (item: CheckItem) => items.push(item);
  const clientAddress = await clientAddressOf(shell);
  add({
    id: 'login-today',
    status: 'ok',
    detail: msg(lang, 'login-today.ok', {
      user: i.user,
      method: shell.login.method,
      hostKey: shell.login.hostKey,
    }),
  });
  add({
    id: 'root-access',
    status: 'ok',
    detail: msg(lang, `root-access.${shell.rootVia}`, { user: i.user }),
  });

  const groups = await shell.runAsUser('cat /etc/group');
  const admins = consoleCandidates(groups.stdout);
  const users = [i.user, ...admins.filter((u) => u !== i.user)];
  const today = (await collect(shell, users, clientAddress)).collection;
  const now = i.now ?? new Date();
  const todayKey = keyVerdict(today, { users, keys: i.publicKeys, clientAddress, port: i.port, now });
  const keyToday = todayKey.primary ? describe(todayKey.primary, lang) : undefined;
  add(
    keyToday
      ? {
          id: 'key-today',
          status: 'warn',
          cause: keyToday.cause,
          detail: keyToday.sentence,
          fix: keyToday.fix,
        }
      : { id: 'key-today', status: 'ok', detail: msg(lang, 'key-today.ok', { user: i.user }) },
  );

  const after = await collectCandidate(shell, { plan: i.plan, users: [i.user], clientAddress });
  const syntaxOk = after.syntax.rc === 0;
  add(
    syntaxOk
      ? { id: 'candidate-syntax', status: 'ok', detail: msg(lang, 'candidate-syntax.ok') }
      : {
          id: 'candidate-syntax',
          status: 'fail',
          cause: 'config.syntax',
          detail: msg(lang, 'candidate-syntax.fail', { output: after.syntax.output.slice(0, 2).join(' / ') }),
          fix: msg(lang, 'candidate-syntax.fix'),
        },
  );
  const afterKey = keyVerdict(after, {
    users: [i.user],
    keys: i.publicKeys,
    clientAddress,
    port: i.port,
    now,
  });
  const lockout = afterKey.primary ? describe(afterKey.primary, lang) : undefined;
  if (i.publicKeys.length === 0)
    add({
      id: 'key-after',
      status: 'fail',
      cause: 'keys.not-authorized',
      detail: msg(lang, 'key-after.no-key', { user: i.user }),
      fix: msg(lang, 'key-after.no-key-fix'),
    });
  else
    add(
      lockout
        ? {
            id: 'key-after',
            status: 'fail',
            cause: lockout.cause,
            detail: lockout.sentence,
            fix: lockout.fix,
          }
        : {
            id: 'key-after',
            status: 'ok',
            detail: msg(lang, 'key-after.ok', { user: i.user, address: clientAddress }),
          },
    );
  add(effectiveness(i, after, lang));

  const wayBack = wayBackItems(i, today, users, now, await findGettys(shell));
  items.push(...wayBack.items);
  const safe = syntaxOk && !lockout && i.publicKeys.length > 0;
  const verdict: Verdict = !safe
    ? 'lockout'
    : wayBack.state === 'yes'
      ? 'safe'
      : wayBack.state === 'no'
        ? 'no-way-back'
        : 'way-back-unknown';
  return {
    host: i.host,
    port: i.port,
    user: i.user,
    plan: planName(i.plan),
    clientAddress,
    hostKey: shell.login.hostKey,
    loginMethod: shell.login.method,
    ...(lockout ? { lockout } : {}),
    ...(keyToday ? { keyToday: { cause: keyToday.cause, sentence: keyToday.sentence } } : {}),
    items,
    wayBack: wayBack.state,
    verdict,
  };
}

export function planName(plan: HardeningPlan): string {
  return plan.kind === 'default' ? 'default' : `${plan.kind} ${plan.source}`;
}

/** Whether sshd would really apply what the plan sets (a drop-in read first, a Match block, can undo it). */
function effectiveness(i: PreflightInput, after: Collection, lang: Lang): CheckItem {
  const wanted = intendedSettings(i.plan);
  const values = after.users[i.user]?.effective;
  if (!values || values.rc !== 0)
    return { id: 'hardening-effective', status: 'skip', detail: msg(lang, 'hardening-effective.unknown') };
  const missed = Object.entries(wanted).filter(([k, v]) => {
    const got = values.values[k]?.[0]?.toLowerCase();
    return got !== undefined && got !== v;
  });
  if (missed.length === 0)
    return {
      id: 'hardening-effective',
      status: 'ok',
      detail: msg(lang, 'hardening-effective.ok', {
        settings:
          Object.entries(wanted)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '-',
      }),
    };
  return {
    id: 'hardening-effective',
    status: 'warn',
    cause: 'config.overridden',
    detail: msg(lang, 'hardening-effective.overridden', {
      settings: missed.map(([k, v]) => `${k} ${v} → ${values.values[k]?.[0] ?? '?'}`).join(', '),
    }),
    fix: msg(lang, 'hardening-effective.fix'),
  };
}

function accountLine(a: ConsoleAccount): string {
  return `${a.user}: ${a.state}`;
}

function wayBackItems(
  i: PreflightInput,
  c: Collection,
  users: string[],
  now: Date,
  gettys: Gettys,
): { items: CheckItem[]; state: 'yes' | 'no' | 'unknown' } {
  const { lang } = i;
  const items: CheckItem[] = [];
  const today = Math.floor(now.getTime() / 86_400_000);
  const accounts = consoleAccounts(c, users, today).filter((a) => a.becomesRoot);
  const usable = accounts.filter((a) => a.state === 'ok');
  items.push(
    usable.length > 0
      ? {
          id: 'console-account',
          status: 'ok',
          detail: msg(lang, 'console-account.ok', { users: usable.map((a) => a.user).join(', ') }),
        }
      : {
          id: 'console-account',
          status: 'fail',
          cause: 'account.no-password',
          detail: msg(lang, 'console-account.fail', {
            accounts: accounts.map(accountLine).join(', ') || '-',
          }),
          fix: msg(lang, 'console-account.fix', { user: i.user }),
        },
  );
  const p = i.provider;
  const kind = p?.console?.kind ?? 'serial';
  const ttys = kind === 'vnc' ? gettys.screen : gettys.serial;
  items.push(
    ttys.length > 0
      ? {
          id: 'console-getty',
          status: 'ok',
          detail: msg(lang, 'console-getty.ok', { ttys: ttys.join(', '), kind }),
        }
      : {
          id: 'console-getty',
          status: 'fail',
          cause: 'console.no-getty',
          detail: msg(lang, 'console-getty.fail', { kind }),
          fix: msg(lang, `console-getty.fix-${kind}`),
        },
  );
  const consoleWorks = usable.length > 0 && ttys.length > 0;
  if (!p) {
    items.push({
      id: 'console-api',
      status: 'skip',
      cause: 'console.unchecked',
      detail: msg(lang, 'console-api.unchecked'),
      fix: msg(lang, 'console-api.unchecked-fix'),
    });
    return { items, state: 'unknown' };
  }
  if (p.findError) {
    items.push({
      id: 'console-api',
      status: 'fail',
      cause: p.findError.code,
      detail: msg(lang, 'console-api.not-found', { provider: p.provider, reason: p.findError.message }),
      fix: msg(lang, 'console-api.fix'),
    });
  } else if (!p.console) {
    items.push({
      id: 'console-api',
      status: 'fail',
      cause: 'console.unavailable',
      detail: msg(lang, 'console-api.none', { provider: p.provider }),
    });
  } else {
    items.push(
      p.console.reachable
        ? {
            id: 'console-api',
            status: 'ok',
            detail: msg(lang, 'console-api.ok', {
              provider: p.provider,
              kind: p.console.kind,
              server: p.server?.name ?? '-',
            }),
          }
        : {
            id: 'console-api',
            status: 'fail',
            cause: 'console.unavailable',
            detail: msg(lang, 'console-api.fail', { provider: p.provider, reason: p.console.error ?? '-' }),
            fix: msg(lang, 'console-api.fix'),
          },
    );
  }
  const found = !p.findError;
  items.push({
    id: 'run-command',
    status: p.runCommand && found ? 'ok' : 'skip',
    detail: msg(lang, p.runCommand ? 'run-command.offered' : 'run-command.none', { provider: p.provider }),
  });
  items.push({
    id: 'rescue-system',
    status: p.rescueSystem && found ? 'ok' : 'skip',
    detail: msg(lang, p.rescueSystem ? 'rescue-system.offered' : 'rescue-system.none', {
      provider: p.provider,
    }),
  });
  const viaConsole = consoleWorks && p.console?.reachable === true;
  const state = found && (viaConsole || p.runCommand || p.rescueSystem) ? 'yes' : 'no';
  return { items, state };
}

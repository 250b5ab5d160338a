import type { Collection, PasswdEntry } from '../diagnose/collection.js';
import { eff } from '../diagnose/context.js';
import { RescueError } from '../errors/rescue-error.js';
import { t, type Lang } from '../i18n/index.js';
import { defaultUser, type Action } from './plan.js';

/*
 * Which account the rescue works on, decided before anything changes: a name that is not on the
 * server is a typo until shown otherwise, so the rescue stops and lists the names that could be
 * meant. An account is only ever created when asked for (create-user) or when nobody could log in at
 * all (root the only account and root login off).
 */

const NOLOGIN = /\/(nologin|false)$/;

/** Levenshtein distance: how many single-letter edits turn one name into the other. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** Accounts a person logs in with: root and the regular accounts with a login shell. */
function loginAccounts(c: Collection): PasswdEntry[] {
  return c.passwd.filter((p) => (p.uid === 0 || (p.uid >= 1000 && p.uid < 60000)) && !NOLOGIN.test(p.shell));
}

/** The login accounts, closest to `name` first (then by name), at most `limit`. */
export function candidatesFor(c: Collection, name: string, limit = 6): string[] {
  return loginAccounts(c)
    .map((p) => ({ name: p.name, distance: editDistance(name, p.name) }))
    .sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((x) => x.name);
}

/** Nobody could log in: no regular login account, and sshd refuses root. */
export function noAccountCanLogIn(c: Collection): boolean {
  return defaultUser(c) === undefined && eff(c.users.root, 'permitrootlogin') === 'no';
}

export interface AccountDecision {
  /** the run will create `user` (it is missing and nobody could log in, or create-user asked for it) */
  createsAccount: boolean;
  /** why, for the time line and the confirmation (English, like the other time line details) */
  why?: string;
}

/**
 * Stops before any change when the account asked for is not the one that can be meant: an unknown
 * user (usage.unknown-user, with the close names), or create-user on an existing one
 * (usage.user-exists). A missing account with nobody able to log in is created by auto, said first.
 */
export function assertAccountAsked(o: {
  c: Collection;
  user: string;
  action: Action;
  host: string;
  lang: Lang;
}): AccountDecision {
  const exists = o.c.passwd.some((p) => p.name === o.user);
  if (o.action === 'create-user') {
    if (exists) throw new RescueError('usage.user-exists', { user: o.user, host: o.host });
    return { createsAccount: true, why: `creating ${o.user}, as asked` };
  }
  if (exists) return { createsAccount: false };
  if ((o.action === 'auto' || o.action === 'diagnose') && noAccountCanLogIn(o.c)) {
    return {
      createsAccount: true,
      why: `no account can log in (root login is off, no other login account): ${o.user} will be created`,
    };
  }
  const candidates = candidatesFor(o.c, o.user);
  throw new RescueError(
    'usage.unknown-user',
    {
      user: o.user,
      host: o.host,
      candidates: candidates.length > 0 ? candidates.join(', ') : t(o.lang, 'cli.candidates.none'),
    },
    { hints: [t(o.lang, 'cli.hint.create-user', { user: o.user })] },
  );
}

import { matchLineSetting, winningLine, type ConfigLine } from './config-check.js';
import { eff, type Ctx } from './context.js';
import { finding, type FixOp, type Finding } from './findings.js';

/**
 * AuthenticationMethods naming a method that is switched off: no list can ever be satisfied.
 * OpenSSH checks this for the global value when it starts (`sshd -t` fails with "AuthenticationMethods
 * cannot be satisfied by enabled authentication methods" and sshd stays down); inside a Match block it
 * starts, and only the users the block matches are refused, by every method (the log says `Authentication
 * methods list "…" contains disabled method, skipping`; 9.2 in the lab). The smallest change takes the switched-off methods out of the lists: what is
 * left is only methods already on, so nothing the owner switched off is switched on again.
 */

/** sshd -t's complaint (sshd.c) when the global lists cannot be satisfied. */
export const UNSATISFIABLE = /AuthenticationMethods cannot be satisfied by enabled authentication methods/;

/** The keyword that switches each method on, and sshd's compiled-in default. */
const SWITCHES: Record<string, { keywords: string[]; byDefault: boolean }> = {
  publickey: { keywords: ['pubkeyauthentication'], byDefault: true },
  password: { keywords: ['passwordauthentication'], byDefault: true },
  // Before 8.7 ChallengeResponseAuthentication switched keyboard-interactive on as well.
  'keyboard-interactive': {
    keywords: ['kbdinteractiveauthentication', 'challengeresponseauthentication'],
    byDefault: true,
  },
  hostbased: { keywords: ['hostbasedauthentication'], byDefault: false },
  'gssapi-with-mic': { keywords: ['gssapiauthentication'], byDefault: false },
};

type Lookup = (keyword: string) => string | undefined;

/** The methods of one list that are switched off (a `method:submethod` counts as its method). */
function offIn(list: string, value: Lookup): string[] {
  return list.split(',').filter((m) => {
    const s = SWITCHES[m.split(':')[0] ?? ''];
    if (!s) return false;
    const set = s.keywords.map(value).filter((v): v is string => v !== undefined);
    return set.length > 0 ? !set.includes('yes') : !s.byDefault;
  });
}

interface Unsatisfiable {
  value: string;
  disabled: string[];
  /** the lists with the switched-off methods taken out (empty: none is left) */
  kept: string[];
}

/** Undefined unless every list names a switched-off method. */
export function unsatisfiable(value: string, lookup: Lookup): Unsatisfiable | undefined {
  const lists = value.split(/\s+/).filter(Boolean);
  if (lists.length === 0 || lists.includes('any')) return undefined;
  const off = lists.map((l) => offIn(l, lookup));
  if (off.some((o) => o.length === 0)) return undefined;
  const kept = [
    ...new Set(
      lists
        .map((l, i) =>
          l
            .split(',')
            .filter((m) => !off[i]!.includes(m))
            .join(','),
        )
        .filter(Boolean),
    ),
  ];
  return { value: lists.join(' '), disabled: [...new Set(off.flat())], kept };
}

/** The line without the switched-off methods, keyword and indentation kept; commented out when nothing is left. */
function smallestChange(ctx: Ctx, line: ConfigLine, kept: string[]): FixOp {
  const text = ctx.c.configFiles.find((f) => f.path === line.path)?.lines[line.line - 1];
  if (text === undefined) return { op: 'manual' };
  if (kept.length === 0) return { op: 'config-comment', path: line.path, line: line.line };
  const head = /^(\s*\S+)/.exec(text)?.[1] ?? 'AuthenticationMethods';
  return { op: 'config-replace-line', path: line.path, line: line.line, text: `${head} ${kept.join(' ')}` };
}

function toFinding(ctx: Ctx, u: Unsatisfiable, line: ConfigLine | undefined, user?: string): Finding {
  const off = u.disabled
    .flatMap((m) => SWITCHES[m.split(':')[0] ?? '']?.keywords.slice(0, 1) ?? [])
    .map((k) => `${k} no`)
    .join(', ');
  const fixed = u.kept.length > 0 ? `AuthenticationMethods ${u.kept.join(' ')}` : '-';
  return finding(
    'policy.authmethods-disabled',
    'error',
    line ? smallestChange(ctx, line, u.kept) : { op: 'manual' },
    {
      ...(user !== undefined ? { user } : {}),
      ...(line ? { path: line.path, line: line.line } : {}),
      params: {
        value: u.value,
        disabled: u.disabled.join(', '),
        off,
        fixed,
        where: line ? `${line.path}:${line.line}` : '-',
      },
    },
  );
}

/** sshd refused to start on the global lists: read from the config as sshd would (first value wins). */
export function checkGlobalAuthMethods(ctx: Ctx): Finding[] {
  if (ctx.c.syntax.rc === 0 || !UNSATISFIABLE.test(ctx.c.syntax.output.join('\n'))) return [];
  const line = winningLine(ctx.config, 'authenticationmethods');
  const global: Lookup = (k) => winningLine(ctx.config, k)?.args.toLowerCase();
  const u = line && unsatisfiable(line.args, global);
  // sshd said so, even where this reading of the config cannot point at the line.
  if (!u) return [toFinding(ctx, { value: line?.args ?? '?', disabled: [], kept: [] }, undefined)];
  return [toFinding(ctx, u, line)];
}

/** For one user, from sshd's effective settings for that user (a Match block is where this happens). */
export function checkUserAuthMethods(ctx: Ctx, name: string): Finding | undefined {
  const user = ctx.c.users[name];
  const value = eff(user, 'authenticationmethods') ?? 'any';
  const u = unsatisfiable(value, (k) => eff(user, k));
  if (!u) return undefined;
  const line =
    matchLineSetting(ctx.config, 'authenticationmethods', value) ??
    winningLine(ctx.config, 'authenticationmethods');
  return toFinding(ctx, u, line, name);
}

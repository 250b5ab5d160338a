import { checkUserAuthMethods } from './auth-methods.js';
import { gateFix } from './gate-fix.js';
import { wildcardMatch } from '../keys/from-pattern.js';
import { matchLineSetting, winningLine } from './config-check.js';
import { eff, effAll, groupsOf, passwdOf, type Ctx } from './context.js';
import { finding, type Finding } from './findings.js';

const NOLOGIN = /\/(nologin|false)$/;
const ADMIN_GROUPS = ['sudo', 'wheel', 'admin'];

/** Where a keyword's effective value comes from: a Match line with that value, else the global line. */
function origin(ctx: Ctx, keyword: string, value: string): { path?: string; line?: number } {
  const l = matchLineSetting(ctx.config, keyword, value) ?? winningLine(ctx.config, keyword);
  return l ? { path: l.path, line: l.line } : {};
}

export function checkAccount(ctx: Ctx, name: string): Finding[] {
  const out: Finding[] = [];
  const pw = passwdOf(ctx, name);
  const user = ctx.c.users[name];
  if (!pw)
    return [finding('account.missing', 'error', { op: 'manual' }, { user: name, params: { user: name } })];
  const shell = user?.shell;
  const usePam = eff(user, 'usepam') !== 'no';
  if (NOLOGIN.test(pw.shell)) {
    out.push(
      finding(
        'account.nologin',
        'error',
        { op: 'set-shell', user: name, shell: '/bin/bash' },
        { user: name, params: { user: name, shell: pw.shell } },
      ),
    );
  } else if (
    pw.shell !== '' &&
    shell &&
    (!shell.exists || (shell.type === 'file' && ((shell.mode ?? 0) & 0o111) === 0))
  ) {
    out.push(
      finding(
        'account.shell',
        'error',
        { op: 'set-shell', user: name, shell: '/bin/sh' },
        { user: name, params: { user: name, shell: pw.shell } },
      ),
    );
  }
  const sh = user?.shadow;
  if (sh?.locked && !usePam) {
    out.push(
      finding(
        'account.locked',
        'error',
        { op: 'unlock', user: name },
        { user: name, params: { user: name } },
      ),
    );
  }
  const inactiveLimit =
    sh?.lastChange !== undefined &&
    sh.maxDays !== undefined &&
    sh.inactiveDays !== undefined &&
    sh.lastChange > 0
      ? sh.lastChange + sh.maxDays + sh.inactiveDays
      : undefined;
  if (
    (sh?.expireDay !== undefined && ctx.today >= sh.expireDay) ||
    (inactiveLimit !== undefined && ctx.today > inactiveLimit)
  ) {
    out.push(
      finding(
        'account.expired',
        'error',
        { op: 'clear-expiry', user: name },
        { user: name, params: { user: name } },
      ),
    );
  } else if (
    sh &&
    sh.password === 'set' &&
    (sh.lastChange === 0 ||
      (sh.lastChange !== undefined &&
        sh.maxDays !== undefined &&
        sh.maxDays < 99999 &&
        ctx.today > sh.lastChange + sh.maxDays))
  ) {
    out.push(
      finding(
        'account.password-expired',
        'warning',
        { op: 'manual' },
        { user: name, blocking: false, params: { user: name } },
      ),
    );
  }
  if (sh && sh.password !== 'set') {
    out.push(
      finding(
        'account.no-password',
        'info',
        { op: 'manual' },
        { user: name, blocking: false, params: { user: name } },
      ),
    );
  }
  if (name !== 'root') {
    const groups = groupsOf(ctx, name);
    const inAdmin = groups.some((g) => ADMIN_GROUPS.includes(g));
    const rule = ctx.c.sudoRules.some((r) => {
      const who = r.trim().split(/\s+/)[0] ?? '';
      return (
        who === name ||
        (who.startsWith('%') && groups.includes(who.slice(1))) ||
        (r.startsWith('permit') && r.includes(` ${name}`))
      );
    });
    const sudoGroupRule = ctx.c.sudoRules.some(
      (r) => ADMIN_GROUPS.some((g) => r.trim().startsWith(`%${g}`)) || r.startsWith('permit'),
    );
    if (!rule && !(inAdmin && (sudoGroupRule || ctx.c.sudoRules.length === 0))) {
      out.push(
        finding(
          'account.no-sudo',
          'warning',
          { op: 'manual' },
          { user: name, blocking: false, params: { user: name } },
        ),
      );
    }
  }
  return out;
}

export function checkPolicy(ctx: Ctx, name: string): Finding[] {
  const out: Finding[] = [];
  const user = ctx.c.users[name];
  if (!user || user.effective.rc !== 0 || !passwdOf(ctx, name)) return out;
  if (name === 'root' && eff(user, 'permitrootlogin') === 'no') {
    out.push(
      finding(
        'policy.root-refused',
        'error',
        { op: 'config-set', keyword: 'PermitRootLogin', value: 'prohibit-password' },
        { user: name, ...origin(ctx, 'permitrootlogin', 'no'), params: { user: name } },
      ),
    );
  }
  const filter = userFilter(ctx, name);
  if (filter) {
    const l = ctx.config.find((c) => c.keyword === filter.keyword);
    const pw = passwdOf(ctx, name);
    const primaryGroup = ctx.c.groups.find((g) => g.gid === pw?.gid)?.name;
    out.push(
      finding('policy.user-filter', 'error', gateFix(ctx, name, filter, primaryGroup), {
        user: name,
        ...(l ? { path: l.path, line: l.line } : {}),
        params: { user: name, keyword: filter.keyword, value: filter.value },
      }),
    );
  }
  if (eff(user, 'pubkeyauthentication') === 'no') {
    const o = origin(ctx, 'pubkeyauthentication', 'no');
    out.push(
      finding(
        'policy.pubkey-disabled',
        'error',
        o.path && o.line
          ? { op: 'config-comment', path: o.path, line: o.line }
          : { op: 'config-set', keyword: 'PubkeyAuthentication', value: 'yes' },
        { user: name, ...o, params: { user: name } },
      ),
    );
  }
  const methods = eff(user, 'authenticationmethods') ?? 'any';
  const unsatisfiable = checkUserAuthMethods(ctx, name);
  if (unsatisfiable) out.push(unsatisfiable);
  else if (
    methods !== 'any' &&
    !methods.split(/\s+/).some((list) => list.split(',').every((m) => m === 'publickey'))
  ) {
    const o = origin(ctx, 'authenticationmethods', methods);
    out.push(
      finding(
        'policy.authmethods',
        'error',
        o.path && o.line ? { op: 'config-comment', path: o.path, line: o.line } : { op: 'manual' },
        { user: name, ...o, params: { user: name, value: methods } },
      ),
    );
  }
  const tries = Number(eff(user, 'maxauthtries') ?? '6');
  if (tries < 3) {
    out.push(
      finding(
        'policy.maxauthtries',
        'info',
        { op: 'manual' },
        {
          user: name,
          blocking: false,
          ...origin(ctx, 'maxauthtries', String(tries)),
          params: { user: name, value: tries },
        },
      ),
    );
  }
  return out;
}

/** sshd's order: DenyUsers, AllowUsers, DenyGroups, AllowGroups (auth.c allowed_user). */
function userFilter(ctx: Ctx, name: string): { keyword: string; value: string } | undefined {
  const user = ctx.c.users[name];
  const matchesUser = (p: string) => {
    const [u = '', host] = p.split('@');
    return wildcardMatch(u, name) && (host === undefined || wildcardMatch(host, ctx.clientAddress));
  };
  const groups = groupsOf(ctx, name);
  const deny = effAll(user, 'denyusers').find(matchesUser);
  if (deny) return { keyword: 'denyusers', value: deny };
  const allow = effAll(user, 'allowusers');
  if (allow.length > 0 && !allow.some(matchesUser)) return { keyword: 'allowusers', value: allow.join(' ') };
  const denyG = effAll(user, 'denygroups').find((g) => groups.some((n) => wildcardMatch(g, n)));
  if (denyG) return { keyword: 'denygroups', value: denyG };
  const allowG = effAll(user, 'allowgroups');
  if (allowG.length > 0 && !allowG.some((g) => groups.some((n) => wildcardMatch(g, n)))) {
    return { keyword: 'allowgroups', value: allowG.join(' ') };
  }
  return undefined;
}

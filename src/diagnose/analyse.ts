import type { PublicKey } from '../keys/authorized-keys.js';
import { normalizePublicKey, type KeyProblem } from '../keys/normalize.js';
import { checkAccount, checkPolicy } from './account-policy.js';
import type { Collection } from './collection.js';
import { checkGlobalAuthMethods } from './auth-methods.js';
import { checkConfig, expandConfig } from './config-check.js';
import { eff, isDebianLike, type Ctx } from './context.js';
import { checkDaemon } from './daemon-check.js';
import { causeRank, sortFindings, type Finding } from './findings.js';
import { checkKeys } from './keys-check.js';
import { checkSelinuxContexts, checkSelinuxPorts } from './selinux.js';

export interface AnalyseInput {
  collection: Collection;
  /** users of interest, the login user first (e.g. ['alice', 'root']) */
  users: string[];
  /** the customer's public key as pasted (any format normalizePublicKey accepts) */
  customerKey?: string;
  /** where the verification login will come from */
  clientAddress: string;
  /** the port the customer connects to: sshd listening elsewhere is daemon.listen */
  sshPort?: number;
  now?: Date;
}

/** The effective settings that matter for the way in, per user (from `sshd -T -C`). */
export interface EffectiveSettings {
  passwordauthentication?: string;
  pubkeyauthentication?: string;
  permitrootlogin?: string;
  authenticationmethods?: string;
  authorizedkeysfile?: string;
  usepam?: string;
  kbdinteractiveauthentication?: string;
}

export interface Diagnosis {
  findings: Finding[];
  /** the cause that actually blocks the login user's key login; undefined when nothing blocks it */
  primary?: Finding;
  summary: {
    openssh?: string;
    versionLine: string;
    os: Collection['os'];
    settings: Record<string, EffectiveSettings>;
  };
  /** why the customer's key itself was unusable, if it was */
  customerKeyProblem?: KeyProblem;
}

const SUMMARY_KEYS: (keyof EffectiveSettings)[] = [
  'passwordauthentication',
  'pubkeyauthentication',
  'permitrootlogin',
  'authenticationmethods',
  'authorizedkeysfile',
  'usepam',
  'kbdinteractiveauthentication',
];

export function analyse(input: AnalyseInput): Diagnosis {
  const c = input.collection;
  let key: PublicKey | undefined;
  let customerKeyProblem: KeyProblem | undefined;
  if (input.customerKey !== undefined) {
    const r = normalizePublicKey(input.customerKey);
    if (r.ok) key = r.key;
    else customerKeyProblem = r.problem;
  }
  const config = expandConfig(c.configFiles);
  const ctx: Ctx = {
    c,
    config,
    clientAddress: input.clientAddress,
    ...(input.sshPort !== undefined ? { sshPort: input.sshPort } : {}),
    today: Math.floor((input.now ?? new Date()).getTime() / 86_400_000),
    debianModes: isDebianLike(c),
    ...(key ? { key } : {}),
  };
  const login = input.users[0] ?? 'root';
  const findings: Finding[] = [
    ...checkDaemon(ctx, login),
    ...checkSelinuxPorts(ctx, login),
    ...checkConfig(c.configFiles, config),
    ...checkGlobalAuthMethods(ctx),
  ];
  for (const name of input.users) {
    // Only the login user needs to log in with the customer's key; other users are checked for
    // their own state (root's policy, accounts) without it.
    const userCtx: Ctx = name === login ? ctx : { ...ctx, key: undefined };
    const account = checkAccount(userCtx, name);
    findings.push(...account);
    if (account.some((f) => f.cause === 'account.missing')) continue;
    // Without sshd's effective settings (sshd -T failed: broken config, no /run/sshd) nobody knows
    // which key files sshd reads: no key finding is better than a wrong one (and a wrong repair).
    const known = c.users[name]?.effective.rc === 0;
    findings.push(
      ...checkPolicy(userCtx, name),
      ...(known ? [...checkKeys(userCtx, name), ...checkSelinuxContexts(userCtx, name)] : []),
    );
  }
  const sorted = sortFindings(findings);
  const primary = [...sorted]
    .filter((f) => f.blocking && (f.user === undefined || f.user === login))
    .sort((a, b) => causeRank(a.cause) - causeRank(b.cause))[0];
  const settings: Record<string, EffectiveSettings> = {};
  for (const name of input.users) {
    const u = c.users[name];
    if (!u || u.effective.rc !== 0) continue;
    settings[name] = Object.fromEntries(
      SUMMARY_KEYS.map((k) => [
        k,
        k === 'authorizedkeysfile' ? u.effective.values[k]?.join(' ') : eff(u, k),
      ]).filter(([, v]) => v !== undefined),
    );
  }
  const openssh = /OpenSSH_([0-9.]+(?:p\d+)?)/.exec(c.version)?.[1];
  return {
    findings: sorted,
    ...(primary ? { primary } : {}),
    summary: { ...(openssh ? { openssh } : {}), versionLine: c.version, os: c.os, settings },
    ...(customerKeyProblem ? { customerKeyProblem } : {}),
  };
}

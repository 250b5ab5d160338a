import type { Collection } from '../diagnose/collection.js';
import type { Diagnosis } from '../diagnose/analyse.js';
import type { Finding } from '../diagnose/findings.js';
import { compileFixes, type CompiledFixes } from './fix-ops.js';
import { setPasswordStep } from './password-window.js';
import { initOf, quote, type Transaction, type TxStep } from './transaction.js';

export const ACTIONS = [
  'auto',
  'enable-password',
  'authorize-key',
  'fix',
  'create-user',
  'diagnose',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Findings a repair may touch: the user's own blocking problems, plus the daemon's and the config's. */
export function repairable(d: Diagnosis, user: string, only?: (f: Finding) => boolean): Finding[] {
  return d.findings.filter(
    (f) =>
      f.blocking && (f.user === undefined || f.user === user) && f.fix.op !== 'manual' && (!only || only(f)),
  );
}

const isKeyFinding = (f: Finding) => f.cause.startsWith('keys.');

/** Repairs of files in a user's home only: sshd's configuration and state are not touched. */
const USER_FILE_OPS = new Set<Finding['fix']['op']>([
  'join-lines',
  'convert-rfc4716',
  'delete-lines',
  'replace-line',
  'strip-bom',
  'add-key',
  'move-key',
  'chmod',
  'chown',
  'rename',
  'remove-private-key',
]);

export interface FixPlan {
  tx: Transaction;
  fixes: CompiledFixes;
}

/** `fix` (everything repairable) or `authorize-key` (the key chain only, plus the customer's key). */
export function planFixes(
  c: Collection,
  d: Diagnosis,
  o: { txId: string; user: string; keysOnly: boolean; customerKey?: string },
): FixPlan | undefined {
  const chosen = repairable(d, o.user, o.keysOnly ? isKeyFinding : undefined);
  const keyFile = c.users[o.user]?.keyFiles[0];
  if (o.customerKey && keyFile && !chosen.some((f) => f.fix.op === 'add-key' || f.fix.op === 'move-key')) {
    const present = (c.keyFiles[keyFile]?.content ?? []).some((l) =>
      l.includes(o.customerKey!.split(/\s+/)[1] ?? '\0'),
    );
    if (!present) {
      chosen.push({
        cause: 'keys.not-authorized',
        severity: 'error',
        blocking: true,
        user: o.user,
        path: keyFile,
        params: { user: o.user, path: keyFile },
        fix: { op: 'add-key', path: keyFile, user: o.user, key: o.customerKey },
      });
    }
  }
  if (chosen.length === 0) return undefined;
  const fixes = compileFixes(c, chosen);
  if (fixes.applied.length === 0) return undefined;
  // sshd reads a user's key files (and their folders' modes) at every login: changing only those needs
  // no reload of a running sshd, and a stopped one is not started behind the customer's back.
  const backups = [...fixes.backupFiles, ...fixes.backupModes];
  const usersFilesOnly =
    fixes.applied.every((f) => USER_FILE_OPS.has(f.fix.op)) &&
    backups.length > 0 &&
    backups.every((p) => fixes.owners?.[p] !== undefined);
  return {
    fixes,
    tx: {
      id: o.txId,
      backupFiles: fixes.backupFiles,
      backupModes: fixes.backupModes,
      owners: fixes.owners,
      steps: fixes.steps,
      checks: [],
      init: initOf(c),
      ...(usersFilesOnly && c.sshdProcesses > 0 ? { reload: false } : {}),
    },
  };
}

/** An admin account for the case where root was the only way in (and root login is now off). */
export function planCreateUser(o: {
  txId: string;
  user: string;
  customerKey?: string;
  setPassword: boolean;
}): Transaction {
  const u = quote(o.user);
  const home = `/home/${o.user}`;
  // useradd (shadow-utils), else busybox adduser (Alpine), else the lines written by hand (a busybox
  // without adduser). A new account is never locked ('!'): sshd without PAM would refuse even its key.
  const steps: TxStep[] = [
    {
      name: 'useradd',
      code: [
        's=/bin/bash;[ -x $s ]||s=/bin/sh',
        `if command -v useradd>/dev/null;then useradd -m -s $s ${u}`,
        `elif command -v adduser>/dev/null;then adduser -D -s $s ${u}`,
        `else i=$(awk -F: '$3>=1000&&$3<60000&&$3>=m{m=$3+1}END{print m?m:1000}' /etc/passwd /etc/group)`,
        `echo ${quote(`${o.user}:x:`)}$i:$i::${quote(home)}:$s>>/etc/passwd&&echo ${quote(`${o.user}:x:`)}$i:>>/etc/group&&echo ${quote(`${o.user}:*:`)}$(($(date +%s)/86400))::::::>>/etc/shadow`,
        `mkdir -p /home&&mkdir -m 755 ${quote(home)}&&chown $i:$i ${quote(home)};fi`,
        `case $(awk -F: -v u=${u} '$1==u{print $2}' /etc/shadow) in !*)fe /etc/shadow ${u} 2 '*';;esac`,
      ].join('\n'),
    },
    {
      name: 'admin-group',
      code: `g=wheel;grep -q ^sudo: /etc/group&&g=sudo\nusermod -aG $g ${u} 2>/dev/null||addgroup ${u} $g 2>/dev/null||{ m=$(awk -F: -v g=$g '$1==g{print $4}' /etc/group);fe /etc/group $g 4 "\${m:+$m,}"${u};}`,
    },
  ];
  if (o.customerKey) {
    steps.push({
      name: 'authorize-key',
      code: `mkdir -p ${home}/.ssh && printf '%s\\n' ${quote(o.customerKey)} > ${home}/.ssh/authorized_keys && chown -R ${u}: ${home}/.ssh && chmod 700 ${home}/.ssh && chmod 600 ${home}/.ssh/authorized_keys`,
    });
  }
  if (o.setPassword) steps.push(setPasswordStep(o.user));
  return {
    id: o.txId,
    backupFiles: ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow', home],
    backupModes: [],
    steps,
    checks: [],
    reload: false,
  };
}

/** The human account to rescue when none was named: the first regular login account. */
export function defaultUser(c: Collection): string | undefined {
  return c.passwd.find(
    (p) => p.uid >= 1000 && p.uid < 60000 && p.home.startsWith('/home/') && !/nologin|false$/.test(p.shell),
  )?.name;
}

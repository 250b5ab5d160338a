/**
 * Stable cause codes: the contract for reports, --json and tests. Add codes, never rename one.
 * The order is sshd's own order of checks for a key login, so the first blocking finding in this
 * order is the one that actually stops the customer's key (the `primary` cause).
 */
export const CAUSE_CODES = [
  'config.syntax',
  // AuthenticationMethods naming a switched-off method (sshd may not even start).
  'policy.authmethods-disabled',
  // SELinux (RHEL family): sshd may not bind a port that is not labelled ssh_port_t (down, or elsewhere).
  'daemon.selinux-port',
  'daemon.down',
  'daemon.listen',
  'daemon.socket-activation',
  'net.firewall',
  'account.missing',
  'account.shell',
  'account.locked',
  'policy.user-filter',
  'policy.root-refused',
  'policy.pubkey-disabled',
  'policy.authmethods',
  'keys.file-missing',
  'keys.misnamed',
  'keys.wrong-home',
  // The key pasted into another account's file, found without the customer's key.
  'keys.other-account',
  'keys.wrong-dir',
  'keys.in-home',
  'keys.unreadable',
  // SELinux: a key chain path whose type sshd_t may not read (user_tmp_t after a mv from /tmp).
  'keys.selinux-context',
  'keys.not-regular',
  'keys.withheld',
  'keys.owner',
  'keys.mode',
  'keys.dir-mode',
  'keys.private-key',
  'keys.empty',
  'keys.bom',
  'keys.rfc4716',
  'keys.line-wrapped',
  'keys.bad-option',
  'keys.bad-line',
  'keys.from-mismatch',
  'keys.not-authorized',
  'policy.algorithm',
  // RHEL family: the key type excluded by the system-wide crypto policy's back-end file.
  'policy.crypto-policy',
  'account.expired',
  'account.password-expired',
  'account.nologin',
  'policy.maxauthtries',
  'config.overridden',
  'config.after-match',
  'account.no-password',
  'account.no-sudo',
] as const;

export type CauseCode = (typeof CAUSE_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

/**
 * A machine-readable repair the rescue's `fix` action can execute. Paths are absolute on the server.
 * `manual` means no safe automatic repair exists; the human sentence says what to do.
 */
export type FixOp =
  | { op: 'chmod'; path: string; mode: string }
  | { op: 'chown'; path: string; owner: string; group: string }
  | { op: 'rename'; from: string; to: string }
  /** copy the key on line `line` of `from` into `to` (created 0600, dir 0700, owned by user) */
  | { op: 'move-key'; from: string; line: number; to: string; user: string }
  /** append the customer's key to `path` (file/dir created with safe modes, owned by user) */
  | { op: 'add-key'; path: string; user: string; key: string }
  /** replace lines [first, last] (1-based, inclusive) by their concatenation without newlines */
  | { op: 'join-lines'; path: string; lines: [number, number] }
  /** replace the RFC 4716 block on lines [first, last] by the one OpenSSH line `key` */
  | { op: 'convert-rfc4716'; path: string; lines: [number, number]; key: string }
  | { op: 'strip-bom'; path: string }
  /** replace line `line` by `text` */
  | { op: 'replace-line'; path: string; line: number; text: string }
  | { op: 'delete-lines'; path: string; lines: [number, number] }
  /** remove every private key block from the file (the collector never printed it) */
  | { op: 'remove-private-key'; path: string }
  /** comment out a config line; then `sshd -t` and reload */
  | { op: 'config-comment'; path: string; line: number }
  /** replace one config line by `text` (a user added to or removed from a user filter) */
  | { op: 'config-replace-line'; path: string; line: number; text: string }
  /** set a keyword globally, before any Include/Match, in /etc/ssh/sshd_config; then `sshd -t` and reload */
  | { op: 'config-set'; keyword: string; value: string }
  /** move a line that sits inside a Match block to before the first Match of its file */
  | { op: 'config-move-before-match'; path: string; line: number }
  | { op: 'service-start'; unit: string }
  /** `systemctl daemon-reload` (the socket generator rereads sshd_config), then the socket unit restarted
   * with its service stopped first; done when systemd listens on `port` */
  | { op: 'socket-restart'; unit: string; port: number }
  | { op: 'set-shell'; user: string; shell: string }
  | { op: 'unlock'; user: string }
  | { op: 'clear-expiry'; user: string }
  | { op: 'firewall-allow'; port: number }
  /** restorecon on these paths of the user's key chain (directories recursively), through held directories */
  | { op: 'restorecon'; user: string; paths: string[] }
  /** label a TCP port ssh_port_t (semanage port -a) */
  | { op: 'selinux-port'; port: number }
  | { op: 'manual' };

export interface Finding {
  cause: CauseCode;
  severity: Severity;
  /** true when this alone stops the key login of `user` */
  blocking: boolean;
  user?: string;
  path?: string;
  line?: number;
  /** fill the finding's sentence and fix sentence (i18n `diagnose.cause.*` / `diagnose.fix.*`) */
  params: Record<string, string | number>;
  fix: FixOp;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function causeRank(cause: CauseCode): number {
  return CAUSE_CODES.indexOf(cause);
}

/** Severity first, then sshd's order of checks, then file position. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      causeRank(a.cause) - causeRank(b.cause) ||
      (a.path ?? '').localeCompare(b.path ?? '') ||
      (a.line ?? 0) - (b.line ?? 0),
  );
}

export function finding(
  cause: CauseCode,
  severity: Severity,
  fix: FixOp,
  more: Partial<Omit<Finding, 'cause' | 'severity' | 'fix'>> = {},
): Finding {
  return { cause, severity, fix, blocking: severity === 'error', params: {}, ...more };
}

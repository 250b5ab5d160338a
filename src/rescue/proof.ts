import type { Diagnosis } from '../diagnose/analyse.js';
import type { CauseCode, Finding } from '../diagnose/findings.js';
import type { Verification } from '../verify/verify.js';
import { logGrepCommand, type LogReader } from '../verify/password-attempt.js';
import type { ServerShell } from './server-shell.js';

/**
 * The second half of "restored": besides the proof from outside, the collector that ran behind the
 * last change must find nothing left that blocks the way that was opened. A key way is blocked by
 * anything blocking the user's key login; a password way only by what stops the user before any
 * method (daemon, config, account, user filters, required methods).
 */

export type Way = 'key' | 'password';

/** Causes that stop a key login only: they do not stand in the way of a password. */
const KEY_ONLY: readonly CauseCode[] = ['policy.pubkey-disabled', 'policy.algorithm', 'policy.maxauthtries'];

export function remainingBlockers(
  d: Diagnosis,
  user: string,
  way: Way,
  /** causes the rescue itself left on purpose (an expired password, asked for) */
  intended: readonly CauseCode[] = [],
): Finding[] {
  return d.findings.filter(
    (f) =>
      f.blocking &&
      !intended.includes(f.cause) &&
      (f.user === undefined || f.user === user) &&
      (way === 'key' || (!f.cause.startsWith('keys.') && !KEY_ONLY.includes(f.cause))),
  );
}

/** The causes that say sshd (or the socket that starts it) is reachable only on another port. */
export const ELSEWHERE: readonly CauseCode[] = ['daemon.listen', 'daemon.socket-activation'];

/**
 * The port sshd really listens on, reachable from outside, when it is not the one the customer
 * connects to (daemon.listen, or ssh.socket listening elsewhere): the verification goes there, and
 * the report tells the customer.
 */
export function listeningElsewhere(d: Diagnosis): number | undefined {
  const port = d.findings.find((f) => ELSEWHERE.includes(f.cause) && f.params.listenPort !== undefined)
    ?.params.listenPort;
  return typeof port === 'number' ? port : undefined;
}

/** The way a verification proved (or tried): a key login or query, else a password. */
export function wayOf(v: Verification): Way {
  return v.login?.via === 'key' || v.login?.via === 'key-query' ? 'key' : 'password';
}

/**
 * The verification, downgraded when the server still shows a blocking cause for the way proven: a
 * login that worked while the diagnosis disagrees is not proven (one of them is wrong).
 */
export function withBlockers(v: Verification, blockers: Finding[]): Verification {
  if (v.proof !== 'proven' || blockers.length === 0) return v;
  const causes = [...new Set(blockers.map((f) => f.cause))].join(', ');
  return {
    ...v,
    proof: 'not-proven',
    passed: false,
    login: v.login && { ...v.login, detail: `the server still shows ${causes}` },
  };
}

/** sshd's log read over the rescue's own shell: the server's word on the wrong-password attempt. */
export function shellLogReader(shell: ServerShell): LogReader {
  return async (needle) => (await shell.run(logGrepCommand(needle), { timeoutMs: 20_000 })).stdout;
}

/** The one command the customer runs to see for themselves, for the way that was opened. */
export function customerTry(o: { user: string; host: string; port: number; way: Way }): string {
  const port = o.port === 22 ? '' : ` -p ${o.port}`;
  return o.way === 'key'
    ? `ssh -o IdentitiesOnly=yes -i ~/.ssh/<your private key>${port} ${o.user}@${o.host}`
    : `ssh -o PreferredAuthentications=password -o PubkeyAuthentication=no${port} ${o.user}@${o.host}`;
}

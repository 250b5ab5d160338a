import type { Collection } from './collection.js';

/**
 * Why sshd is not running, from what the collector saw: `sshd -t`'s own complaint and the unit's
 * recent log lines. The reason decides the report's sentence and whether the config is to blame:
 * a missing /run/sshd makes `sshd -t` fail too, but nothing in sshd_config is wrong then.
 */
export type DownReason = 'config' | 'runtime-dir' | 'port-taken' | 'crash' | 'stopped';

export interface DaemonDown {
  reason: DownReason;
  /** the line that shows it (sshd -t output or a log line), for the report */
  evidence?: string;
  /** for port-taken: the port sshd could not bind */
  port?: number;
}

const PRIVSEP = /Missing privilege separation directory: (\S+)/;
const BIND = /Bind to port (\d+) on \S+ failed: Address already in use/;
/** systemd's own line when a socket unit (ssh.socket, socket-activated sshd) cannot take the port. */
const SOCKET_BIND = /\.socket: Failed to create listening socket \(.*:(\d+)\): Address already in use/;
const CRASH = /code=(killed|dumped)|status=\d+\/(SEGV|ABRT|KILL|BUS)|core dumped/;

/** True when `sshd -t` failed only because its runtime directory is missing (the config itself is fine). */
export function syntaxFailsOnlyOnRuntimeDir(c: Collection): boolean {
  const text = c.syntax.output.join('\n');
  return (
    c.syntax.rc !== 0 && PRIVSEP.test(text) && !/line \d+|Bad configuration|Unsupported option/i.test(text)
  );
}

export function downReason(c: Collection): DaemonDown {
  const syntax = c.syntax.output.join('\n');
  if (c.syntax.rc !== 0 && !syntaxFailsOnlyOnRuntimeDir(c))
    return { reason: 'config', evidence: c.syntax.output.find((l) => l.trim() !== '')?.trim() };
  // The newest lines tell the last start; the log is oldest first.
  const log = [...c.log].reverse();
  const bind = log.find((l) => BIND.test(l) || SOCKET_BIND.test(l));
  if (bind)
    return {
      reason: 'port-taken',
      evidence: bind.trim(),
      port: Number((BIND.exec(bind) ?? SOCKET_BIND.exec(bind))?.[1]),
    };
  const crash = log.find((l) => CRASH.test(l));
  if (crash) return { reason: 'crash', evidence: crash.trim() };
  // Only a start that really failed on it (in the log) blames /run/sshd: a stopped service has none
  // either, and then `sshd -t` complains about it too.
  const privsep = log.map((l) => PRIVSEP.exec(l)).find(Boolean);
  if (privsep) return { reason: 'runtime-dir', evidence: privsep[0] };
  const states = Object.entries(c.units).filter(([u]) => !u.endsWith('.socket'));
  const evidence = states.map(([u, state]) => `${u}: ${state}`).join(', ');
  return {
    reason: 'stopped',
    ...(evidence ? { evidence } : PRIVSEP.test(syntax) ? { evidence: 'no /run/sshd' } : {}),
  };
}

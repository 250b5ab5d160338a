import { analyse, type AnalyseInput, type Diagnosis } from '../diagnose/analyse.js';
import type { Collection } from '../diagnose/collection.js';
import { causeRank, type Finding } from '../diagnose/findings.js';

/**
 * The server's disk seen from a rescue system (chrooted): its files are its own, but processes,
 * units, listeners and firewall rules belong to the rescue system. Those are blanked, so nothing
 * about the rescue system's own sshd is taken for the server's.
 */
export function offlineCollection(c: Collection): Collection {
  return { ...c, sshdProcesses: 0, units: {}, listeners: [], firewall: [] };
}

/**
 * Findings about the running daemon cannot be made offline (the server's sshd is not running by
 * design) and would only ask for a start or a reload: they are left out. A config that does not
 * parse stays blocking, since sshd will not start with it at the next boot.
 */
const LIVE_STATE = new Set<string>(['daemon.down', 'daemon.listen', 'daemon.socket-activation']);

export function withoutLiveState(d: Diagnosis, login: string): Diagnosis {
  const findings = d.findings.filter((f) => !LIVE_STATE.has(f.cause));
  const primary = findings
    .filter((f: Finding) => f.blocking && (f.user === undefined || f.user === login))
    .sort((a, b) => causeRank(a.cause) - causeRank(b.cause))[0];
  const { primary: _dropped, ...rest } = d;
  return { ...rest, findings, ...(primary ? { primary } : {}) };
}

/** analyse() for a disk worked on from a rescue system. */
export function analyseOffline(input: AnalyseInput): Diagnosis {
  const d = analyse({ ...input, collection: offlineCollection(input.collection) });
  return withoutLiveState(d, input.users[0] ?? 'root');
}

import { randomBytes } from 'node:crypto';
import type { Collection } from '../diagnose/collection.js';
import { buildCollector } from '../diagnose/collector.js';
import { parseCollection } from '../diagnose/parser.js';
import { RescueError } from '../errors/rescue-error.js';
import { WORK_DIR } from '../rescue/server-io.js';
import type { ServerShell } from '../rescue/server-shell.js';
import { DROPIN_DIR, MAIN_CONFIG, stageCandidate, type HardeningPlan } from './plan.js';

/** A here-document delimiter that is no line of `text`. */
function delimiterFor(text: string): string {
  const lines = new Set(text.split('\n'));
  for (;;) {
    const end = `VR_C_${randomBytes(6).toString('hex')}`;
    if (!lines.has(end)) return end;
  }
}

/**
 * sh: the collector run against the candidate instead of the live configuration. The candidate sits
 * in a root-only directory; in a private mount namespace it is bound over /etc/ssh/sshd_config (and
 * sshd_config.d), so the server's own sshd reads it — `sshd -t` and `sshd -T -C user=…,host=…,addr=…`
 * — at the very paths the live sshd will after the change: Include, Match and first-value-wins are
 * sshd's, relative Include paths included. Nothing outside that namespace sees it; the running sshd
 * and its files stay as they are.
 */
export function predictionScript(plan: HardeningPlan, collector: string): string {
  const end = delimiterFor(collector);
  return [
    'umask 077',
    'rm -f "$0"',
    `mkdir -p -m 700 ${WORK_DIR}||exit 92`,
    `d=$(mktemp -d ${WORK_DIR}/pf.XXXXXX)||exit 92`,
    `trap 'rm -rf "$d"' EXIT`,
    stageCandidate(plan),
    `cat >"$d/c.sh"<<'${end}'`,
    collector.endsWith('\n') ? `${collector}${end}` : `${collector}\n${end}`,
    'command -v unshare >/dev/null||exit 90',
    `unshare -m --propagation private sh -c 'mount --bind "$1/sshd_config" ${MAIN_CONFIG}||exit 90`,
    `if [ -d "$1/sshd_config.d" ];then mount --bind "$1/sshd_config.d" ${DROPIN_DIR}||exit 90;fi`,
    `sh "$1/c.sh"' sh "$d"`,
  ].join('\n');
}

const WHY: Record<number, string> = {
  90: 'the candidate cannot be shown to sshd (no private mount namespace: unshare/mount refused)',
  91: `the drop-in has nowhere to go: ${DROPIN_DIR} does not exist`,
  92: 'the candidate could not be written to a root-only directory',
};

/** The collector's view of the server as it would be with the candidate in place (nothing is changed). */
export async function collectCandidate(
  shell: ServerShell,
  o: { plan: HardeningPlan; users: string[]; clientAddress: string },
): Promise<Collection> {
  const built = buildCollector({ users: o.users, clientAddress: o.clientAddress });
  const r = await shell.runScript({
    path: `${WORK_DIR}/p-${randomBytes(4).toString('hex')}.sh`,
    script: predictionScript(o.plan, built.script),
    before: `mkdir -p -m 700 ${WORK_DIR}`,
    timeoutMs: 90_000,
  });
  const why = WHY[r.exitCode];
  if (why) throw new RescueError('preflight.cannot-predict', { reason: why });
  return parseCollection(r.stdout, built.nonce, o.users);
}

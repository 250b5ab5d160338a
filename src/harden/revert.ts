import { BACKUP_ROOT } from '../rescue/transaction.js';
import { RELOAD_FN } from '../rescue/window-closer.js';
import { DROPIN_DIR, MAIN_CONFIG, stageCandidate, type HardeningPlan } from '../preflight/plan.js';

/*
 * The hardening on the server, as a commit-confirmed change: the configuration as it was is kept in
 * a root-only backup folder with a revert script; a timer armed before the reload runs that script
 * unless a brand-new login of the user has confirmed the change. The timer lives on the server
 * (systemd's monotonic OnActiveSec, or a detached watcher without systemd), so a client that dies,
 * loses its network or is killed right after the reload changes nothing: the server goes back alone.
 */

/** The result line's mark: with the transaction's random id, so no text printed by a login script can pose as it. */
export const hardenMark = (txId: string) => `VR-HARDEN-${txId}`;
const TX_ID = /^[a-z0-9]{6,24}$/;

export interface HardenFiles {
  dir: string;
  revert: string;
  confirmed: string;
  unit: string;
}

export function hardenFiles(txId: string): HardenFiles {
  if (!TX_ID.test(txId)) throw new Error(`bad transaction id ${txId}`);
  const dir = `${BACKUP_ROOT}/harden-${txId}`;
  return { dir, revert: `${dir}/revert`, confirmed: `${dir}/confirmed`, unit: `vps-rescue-harden-${txId}` };
}

/**
 * The revert script: unless the change was confirmed, puts sshd_config and sshd_config.d back as they
 * were (files the change added are removed), checks with `sshd -t` and reloads. Idempotent; every
 * outcome goes to syslog and the folder's log.
 */
export function revertScript(txId: string): string {
  const f = hardenFiles(txId);
  return [
    '#!/bin/sh',
    `B=${f.dir}`,
    `lg(){ logger -t vps-rescue "hardening ${txId}: $*" 2>/dev/null;echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*">>$B/log;}`,
    RELOAD_FN,
    `[ -f ${f.confirmed} ]&&exit 0`,
    '[ -f $B/reverted ]&&exit 0',
    `cat $B/sshd_config>${MAIN_CONFIG}`,
    `if [ -d $B/d ];then for g in ${DROPIN_DIR}/*;do [ -e "$g" ]||continue;[ -e "$B/d/\${g##*/}" ]||rm -f "$g";done;cp -pR $B/d/. ${DROPIN_DIR}/;fi`,
    '[ -d /run/sshd ]||mkdir -m 755 /run/sshd 2>/dev/null',
    'if sshd -t 2>/dev/null;then rl&&r=reloaded||r="reload failed";else r="sshd -t fails on the restored files";fi',
    'touch $B/reverted',
    `[ -d /run/systemd/system ]&&systemctl stop ${f.unit}.timer 2>/dev/null`,
    'lg "reverted ($1): $r"',
    'echo VR-REVERTED',
  ].join('\n');
}

/**
 * sh (as root): backup, candidate in place, `sshd -t`, revert timer armed, then the reload. Prints
 * `VR-HARDEN <state> <detail>`: `armed SECONDS systemd|watcher` on success; `syntax`, `arm`, `reload`
 * when it stopped (the files are back as they were and nothing was reloaded, or the revert ran).
 */
export function hardenScript(plan: HardeningPlan, txId: string, seconds: number): string {
  const f = hardenFiles(txId);
  const HARDEN_MARK = hardenMark(txId);
  const revertB64 = Buffer.from(`${revertScript(txId)}\n`).toString('base64');
  return [
    'rm -f "$0"',
    'umask 077',
    RELOAD_FN,
    `B=${f.dir};mkdir -p -m 700 ${BACKUP_ROOT}&&mkdir -m 700 $B||{ echo "${HARDEN_MARK} backup $B";exit 92;}`,
    `cp -p ${MAIN_CONFIG} $B/sshd_config||exit 92`,
    `[ -d ${DROPIN_DIR} ]&&{ mkdir $B/d&&cp -pR ${DROPIN_DIR}/. $B/d/||exit 92;}`,
    `echo '${revertB64}'|base64 -d>${f.revert}&&chmod 700 ${f.revert}||exit 92`,
    'd=$B/cand;mkdir -m 700 $d||exit 92',
    stageCandidate(plan),
    // cat keeps the live file's owner and mode; a new drop-in gets sshd's usual 644.
    `cat $d/sshd_config>${MAIN_CONFIG}`,
    ...(plan.kind === 'dropin'
      ? [`cp $d/sshd_config.d/${plan.name} ${DROPIN_DIR}/${plan.name}&&chmod 644 ${DROPIN_DIR}/${plan.name}`]
      : []),
    '[ -d /run/sshd ]||mkdir -m 755 /run/sshd 2>/dev/null',
    `if ! x=$(sshd -t 2>&1);then sh ${f.revert} syntax>/dev/null;echo "${HARDEN_MARK} syntax $(printf %s "$x"|head -n1)";exit 3;fi`,
    // Armed before the reload: from here on, only a confirmation stops the way back.
    `if [ -d /run/systemd/system ];then w=systemd;systemd-run -q --no-block --on-active=${seconds}s --timer-property=AccuracySec=1s --unit=${f.unit} /bin/sh ${f.revert} timer||a=1`,
    `else w=watcher;(setsid sh -c 'sleep ${seconds};sh ${f.revert} watcher' </dev/null >/dev/null 2>&1 &)||a=1;fi`,
    `[ -z "$a" ]||{ sh ${f.revert} arm-failed>/dev/null;echo "${HARDEN_MARK} arm";exit 4;}`,
    `rl||{ sh ${f.revert} reload-failed>/dev/null;echo "${HARDEN_MARK} reload";exit 5;}`,
    `logger -t vps-rescue "hardening ${txId} applied; reverts in ${seconds} s unless confirmed" 2>/dev/null`,
    `echo "${HARDEN_MARK} armed ${seconds} $w"`,
  ].join('\n');
}

/** sh (as root, over the new login): the confirmation that stops the revert. */
export function confirmScript(txId: string): string {
  const f = hardenFiles(txId);
  return [
    `[ -f ${f.dir}/reverted ]&&{ echo VR-TOO-LATE;exit 1;}`,
    `touch ${f.confirmed}`,
    `[ -d /run/systemd/system ]&&systemctl stop ${f.unit}.timer 2>/dev/null`,
    `[ -f ${f.dir}/reverted ]&&{ echo VR-TOO-LATE;exit 1;}`,
    `logger -t vps-rescue "hardening ${txId} confirmed by a new login" 2>/dev/null;echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) confirmed">>${f.dir}/log`,
    `echo VR-CONFIRMED-${txId}`,
  ].join('\n');
}

/** sh (as root): whether the change stands — confirmed, and no revert ran. */
export function keptCheck(txId: string): string {
  const f = hardenFiles(txId);
  return `[ -f ${f.confirmed} ]&&[ ! -f ${f.dir}/reverted ]&&echo VR-KEPT-${txId}`;
}

/** sh (as root): revert now (the confirming login failed and the old session is still open). */
export function revertNow(txId: string): string {
  return `sh ${hardenFiles(txId).revert} login-failed`;
}

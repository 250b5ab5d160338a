import { RescueError } from '../errors/rescue-error.js';
import { BACKUP_ROOT, type Init } from './transaction.js';

/*
 * The password window on the server. Each user's window has its own files, so windows of several
 * users open, close and extend independently:
 *   - its Match block (a drop-in named after the user, or a marked block in sshd_config),
 *   - its state file: `TXID OPENED DEADLINE UPTIME-DEADLINE`, all in the server's own time,
 *   - its closer script, a snapshot of the sshd configuration as it was when the window opened,
 *   - a systemd transient timer (monotonic, OnActiveSec) and a boot unit, or without systemd a
 *     detached watcher.
 * Deadlines are durations measured on the server: nothing here depends on the client's clock.
 */

export const WINDOW_DIR = '/etc/vps-rescue';
/** Every closing, extension and failure, besides syslog/the journal. */
export const WINDOW_LOG = `${BACKUP_ROOT}/windows.log`;
export const MAIN_CONFIG = '/etc/ssh/sshd_config';
const DROPIN_DIR = '/etc/ssh/sshd_config.d';
const UNIT_DIR = '/etc/systemd/system';
/** The single drop-in of earlier versions (one window at a time): still listed and closed. */
export const LEGACY_DROPIN = `${DROPIN_DIR}/00-vps-rescue.conf`;
/** The longest a window may stay open from now, on opening and on every extension. */
export const WINDOW_MAX_MINUTES = 24 * 60;
/** How often a watcher without systemd looks at the clocks (seconds): the closing is that precise. */
const WATCH_STEP = 5;

export type WindowMode = 'dropin' | 'inline';

/** Account names a window may be opened for: they become file and unit names on the server. */
const WINDOW_USER = /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/;

export function assertWindowUser(user: string): void {
  if (!WINDOW_USER.test(user))
    throw new RescueError('usage', {
      message: `not a user name a password window can be opened for: ${user}`,
    });
}

export interface WindowFiles {
  dropin: string;
  state: string;
  closer: string;
  /** sshd_config and sshd_config.d/*.conf as they were when the window opened (without our block). */
  snapshot: string;
  bootUnit: string;
  bootLink: string;
  /** The transient timer's unit name (without .timer/.service). */
  unit: string;
  /** The markers around an inline block in sshd_config. */
  begin: string;
  end: string;
}

export function windowFiles(user: string): WindowFiles {
  assertWindowUser(user);
  const boot = `vps-rescue-window-boot-${user}.service`;
  return {
    dropin: `${DROPIN_DIR}/00-vps-rescue-${user}.conf`,
    state: `${WINDOW_DIR}/window-${user}`,
    closer: `${WINDOW_DIR}/close-window-${user}`,
    snapshot: `${WINDOW_DIR}/config-${user}`,
    bootUnit: `${UNIT_DIR}/${boot}`,
    bootLink: `${UNIT_DIR}/multi-user.target.wants/${boot}`,
    unit: `vps-rescue-window-${user}`,
    begin: `# BEGIN vps-rescue-window ${user}`,
    end: `# END vps-rescue-window ${user}`,
  };
}

/**
 * sh: one line to syslog and to WINDOW_LOG as `DATE user message` (`window close` reports the last
 * one). Needs $u (the user) and $L (WINDOW_LOG).
 */
export const LOG_FN = `lg(){ logger -t vps-rescue "password window of $u: $*" 2>/dev/null;mkdir -p ${BACKUP_ROOT};echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $u $*">>$L;}`;

/** sh: the integer seconds of /proc/uptime (CLOCK_BOOTTIME: never set, counts a suspend too). */
export const UPTIME_FN = 'up(){ read x y </proc/uptime;echo ${x%.*};}';

/**
 * sh: (re)arms the transient timer for $1 seconds from now. OnActiveSec is monotonic: a wrong or
 * changing wall clock cannot move it. A timer of the same name (an earlier arm) is stopped first.
 */
export function armFunction(f: WindowFiles): string {
  return [
    `arm(){ systemctl stop ${f.unit}.timer 2>/dev/null;systemctl reset-failed ${f.unit}.timer ${f.unit}.service 2>/dev/null;i=0`,
    `until systemd-run -q --no-block --on-active=$1s --timer-property=AccuracySec=1s --timer-property=RemainAfterElapse=no --unit=${f.unit} ${f.closer} timer;do i=$((i+1));[ $i -lt 10 ]||return 1;sleep 0.3;done;}`,
  ].join('\n');
}

/**
 * sh: reload sshd the system's way. Socket-activated: the sshd the socket started (Accept=no, as on
 * Ubuntu and trixie) is stopped, not sent SIGHUP (re-executed, it tries to bind the socket's port
 * itself and dies); systemd keeps listening and the next connection starts sshd with the new config.
 * The hardening's revert reloads the same way.
 */
const RELOAD_SYSTEMD =
  'for s in ssh sshd;do systemctl is-active -q $s.socket&&{ systemctl stop $s;return;};systemctl is-active -q $s&&{ systemctl reload $s;return;};done;return 1';
const RELOAD_OTHER =
  'if command -v rc-service>/dev/null;then rc-service sshd reload;else kill -HUP $(cat /run/sshd.pid /var/run/sshd.pid 2>/dev/null|head -n1);fi';
export const RELOAD_FN = `rl(){ if [ -d /run/systemd/system ];then ${RELOAD_SYSTEMD}\nel${RELOAD_OTHER};}`;

/** RELOAD_FN for one init only (see Transaction.init). */
function reloadFor(init: Init | undefined): string {
  if (init === 'systemd') return `rl(){ ${RELOAD_SYSTEMD};}`;
  if (init === 'other') return `rl(){ ${RELOAD_OTHER};}`;
  return RELOAD_FN;
}

function removeOwnBlock(mode: WindowMode, f: WindowFiles): string {
  return mode === 'dropin'
    ? `ro(){ rm -f ${f.dropin};}`
    : `ro(){ sed -i '/^${f.begin}$/,/^${f.end}$/d' ${MAIN_CONFIG};}`;
}

/**
 * After the snapshot is put back: the blocks of windows closed since (no state file) go too. A window
 * opened after ours is not in the snapshot and ends with it — the safe direction.
 */
function stripClosedWindows(mode: WindowMode): string {
  if (mode === 'dropin')
    return `for f in ${DROPIN_DIR}/00-vps-rescue-*.conf;do v=\${f##*/00-vps-rescue-};[ -f ${WINDOW_DIR}/window-\${v%.conf} ]||rm -f "$f";done`;
  return `for v in $(sed -n 's/^# BEGIN vps-rescue-window \\([A-Za-z0-9_-]*\\)$/\\1/p' ${MAIN_CONFIG});do [ -f ${WINDOW_DIR}/window-$v ]||sed -i "/^# BEGIN vps-rescue-window $v\\$/,/^# END vps-rescue-window $v\\$/d" ${MAIN_CONFIG};done`;
}

/**
 * The closer of one user's window: `timer` (the monotonic timer fired: close), `boot` (before sshd
 * starts: close if the server's clock is past the deadline, else arm the timer for what is left;
 * `rearm` the same on a running system, after a rollback),
 * `watch TXID` (no systemd: wait for the duration on /proc/uptime, or the deadline on the server's
 * clock, whichever comes first), `now` (staff close it early). An extension is not the closer's:
 * `window extend` sends its own script (it rewrites the state file and arms the same timer), so the
 * closer typed on every rescue stays short.
 *
 * Closing: remove our block, `sshd -t`. When that fails, someone broke the configuration during the
 * window and the running sshd still has password login on: the broken files are kept aside, the
 * configuration from when the window opened is put back, checked again and reloaded. Every outcome
 * goes to syslog (logger) and to WINDOW_LOG. The closer never leaves sshd with a config it cannot load.
 */
export function closerScript(user: string, mode: WindowMode, init?: Init): string {
  const f = windowFiles(user);
  const watcher = `(setsid sh ${f.closer} watch $t </dev/null >/dev/null 2>&1 &)`;
  // With the init known, only its branches: systemd arms its timer, any other init runs a watcher.
  const again = {
    systemd: 'arm $((d-n))',
    other: `[ "$1" = rearm ]&&${watcher}`,
    both: `if [ -d /run/systemd/system ];then arm $((d-n));elif [ "$1" = rearm ];then ${watcher};fi`,
  }[init ?? 'both'];
  return [
    '#!/bin/sh',
    `# vps-rescue: ends the password window of ${user}`,
    `u=${user};S=${f.state};C=${f.snapshot};L=${WINDOW_LOG};umask 077`,
    LOG_FN,
    // Only the watcher reads the uptime clock: under systemd the timer does.
    ...(init === 'systemd' ? [] : [UPTIME_FN]),
    ...(init === 'other' ? [] : [armFunction(f)]),
    reloadFor(init),
    removeOwnBlock(mode, f),
    '[ -f $S ]||exit 0',
    'read t o d e <$S',
    // A permanent window (no deadline) only ever closes when staff close it.
    '[ "$d" = - ]&&case $1 in now);;*)exit 0;;esac',
    'case $1 in',
    // rearm: after a rollback put an earlier window of this user back (its timer or watcher was
    // replaced by the failed one): the same check as at boot, but sshd is running.
    `boot|rearm)n=$(date +%s);[ "$n" -lt "$d" ]&&{ ${again};exit 0;};;`,
    // A state that is not two numbers cannot be waited for: the window closes (the safe side).
    ...(init === 'systemd'
      ? []
      : [
          `watch)while [ -f $S ];do read t2 o d e <$S;[ "$t2" = "$2" ]||exit 0;case "$d.$e" in *[!0-9.]*|.*|*.)break;;esac;n=$(up);{ [ $n -ge $e ]||[ "$(date +%s)" -ge $d ];}&&break;s=$((e-n));[ $s -gt ${WATCH_STEP} ]&&s=${WATCH_STEP};sleep $s;done;[ -f $S ]||exit 0;;`,
        ]),
    'timer|now);;',
    '*)exit 2;;',
    'esac',
    'ro',
    '[ -d /run/sshd ]||mkdir -m 755 /run/sshd 2>/dev/null',
    'if sshd -t 2>/dev/null;then r="its block removed"',
    'else',
    // sshd's message may end in CR: it goes into log lines that staff read back.
    `x=$(sshd -t 2>&1|head -n1|tr -d '\\r');k=${BACKUP_ROOT}/window-$u-$(date +%s);mkdir -p $k/sshd_config.d`,
    `cp -p ${MAIN_CONFIG} $k/;cp -p ${DROPIN_DIR}/*.conf $k/sshd_config.d/ 2>/dev/null`,
    `[ -f $C/sshd_config ]&&cp -p $C/sshd_config ${MAIN_CONFIG}`,
    `[ -d $C/d ]&&{ for g in ${DROPIN_DIR}/*.conf;do case \${g##*/} in 00-vps-rescue-*);;*)[ -e "$C/d/\${g##*/}" ]||rm -f "$g";;esac;done;for g in $C/d/*.conf;do [ -e "$g" ]&&cp -p "$g" ${DROPIN_DIR}/;done;}`,
    'ro',
    stripClosedWindows(mode),
    'if sshd -t 2>/dev/null;then r="sshd -t failed ($x): config from opening restored, broken one in $k"',
    // Reloading now would take sshd down; the running one keeps the window open, so say so loudly.
    'else lg "NOT CLOSED: sshd -t fails ($x) also with config from opening (broken one in $k); password login stays on";exit 1;fi',
    'fi',
    `rm -f $S${init === 'other' ? '' : ` ${f.bootUnit} ${f.bootLink}`};rm -rf $C`,
    'if [ "$1" != boot ];then',
    'rl||lg "sshd reload failed"',
    ...(init === 'other'
      ? []
      : [
          `[ "$1" = now ]&&${init === 'systemd' ? '' : '[ -d /run/systemd/system ]&&'}systemctl stop ${f.unit}.timer 2>/dev/null`,
        ]),
    'fi',
    `lg "closed ($1): $r"`,
    `rm -f ${f.closer}`,
    'echo VR-CLOSED',
    'exit 0',
  ].join('\n');
}

/** The boot unit: runs the closer before sshd, so a window past its deadline never opens again. */
export function bootUnit(user: string): string {
  const f = windowFiles(user);
  return [
    '[Unit]',
    `Description=vps-rescue: password window of ${user}`,
    'DefaultDependencies=no',
    'After=local-fs.target',
    'Before=ssh.service sshd.service',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${f.closer} boot`,
  ].join('\n');
}

/**
 * sh run by a rollback of a window's transaction, once the files are restored: stops the timer it
 * armed, and lets the restored closer of an earlier window of this user (if any) arm itself again —
 * its timer or watcher was replaced by the failed one's.
 */
export function undoArm(user: string, init?: Init): string {
  const f = windowFiles(user);
  // Without systemd the failed window's watcher ends by itself: its state file is restored.
  const stop = init === 'other' ? '' : `systemctl stop ${f.unit}.timer 2>/dev/null;`;
  return `${stop}[ -f ${f.state} ]&&sh ${f.closer} rearm`;
}

/** sh: arms the closer now — the systemd timer (monotonic), or a detached watcher without systemd. */
export function armNow(user: string, seconds: number, txId: string, init?: Init): string {
  const f = windowFiles(user);
  const watcher = `(setsid sh ${f.closer} watch ${txId} </dev/null >/dev/null 2>&1 &)`;
  // Under the other init than the one the window was made for, the step fails: nothing is left unarmed.
  if (init === 'systemd') return `[ -d /run/systemd/system ]||exit 1\n${armFunction(f)}\narm ${seconds}`;
  if (init === 'other') return `[ -d /run/systemd/system ]&&exit 1\n${watcher}`;
  return [
    `if [ -d /run/systemd/system ];then ${armFunction(f)}`,
    `arm ${seconds}`,
    // Without systemd nothing survives a reboot; the watcher is detached from the console session.
    `else ${watcher};fi`,
  ].join('\n');
}

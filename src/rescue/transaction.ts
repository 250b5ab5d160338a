import { randomBytes } from 'node:crypto';
import type { Collection } from '../diagnose/collection.js';
import { RescueError } from '../errors/rescue-error.js';

/**
 * One server-side transaction, as a POSIX sh script: back up every path it will touch, apply the
 * changes, `sshd -t`, reload sshd the way the system does it, check it still runs — and on any
 * failure restore the backups and reload again. The script is uploaded whole and then run, and it
 * ignores hangups, so a console cut or a killed vps-rescue leaves the server either as it was or
 * fully changed, never half.
 */

export interface TxStep {
  /** Short name, shown in the result line when the step fails. */
  name: string;
  /** sh code; must end in a non-zero status on failure. */
  code: string;
}

export interface Transaction {
  id: string;
  /** Files whose content is saved and restored (missing ones are removed on rollback). */
  backupFiles: string[];
  /** Paths whose mode and owner are saved and restored. */
  backupModes: string[];
  steps: TxStep[];
  /** Checks run after the changes and before reload (e.g. the effective config for a user). */
  checks: TxStep[];
  /** Reload sshd even if no config file changed (default true). */
  reload?: boolean;
  /** sh run by a rollback once the files are restored, for what backups cannot undo (a timer that was started). */
  undo?: string;
  /**
   * sh run once the change is done and checked, before the result line: what the caller reads back
   * in the same exchange (see tailLine), e.g. a window's times by the server's clock.
   */
  tail?: string;
  /** Text files printed before and (on success) after the change, for the report's diffs. */
  show?: string[];
  /**
   * The server's own system is not running (its disk is worked on from a rescue system, chrooted):
   * `sshd -t` is the only check; nothing is reloaded, started or looked up with systemctl.
   */
  offline?: boolean;
  /**
   * The server's init as the collector saw it: the scripts carry only that init's way to reload
   * sshd (and to arm a window's closer), and refuse to go on under the other one. Undefined (a rescue
   * system, whose running init is not the server's): both ways, decided on the server.
   */
  init?: Init;
  /**
   * Paths inside a user's home, with that user: the user can swap them for links at any moment, so
   * they are backed up, restored and removed with the user's own rights (bu/bn), never root's.
   */
  owners?: Record<string, string>;
}

/** systemd runs (its /run/systemd/system exists), or some other init does. */
export type Init = 'systemd' | 'other';

/** The collector reads unit states only where systemd runs (a collection without them: not known). */
export function initOf(c: Collection): Init | undefined {
  if (!(c.units as Collection['units'] | undefined)) return undefined;
  return Object.keys(c.units).length > 0 ? 'systemd' : 'other';
}

export const BACKUP_ROOT = '/var/backups/vps-rescue';
export const RESULT_MARK = 'VR-RESULT';
/**
 * The result line, `VR-RESULT <nonce> ok|rolled-back|failed …`: the nonce ($K, secret, one per
 * transaction) makes it unforgeable by anything the script shows, and only a whole line counts.
 */
const RESULT_LINE = `${RESULT_MARK} $K`;
/**
 * Starts a shown file: `@@VR-A <nonce> <n> <bytes>` before the change (Z after), n its place in the
 * show list (the client knows the names), then its bytes as od hex.
 */
const SHOW_MARK = '@@VR-';
/** A line of a transaction's tail: `VR-TAIL <nonce> …`, the nonce making it unforgeable like the result's. */
const TAIL_MARK = 'VR-TAIL';

/** sh for Transaction.tail: prints TEXT (expanded by the server's shell) as one tail line. */
export function tailLine(text: string): string {
  return `echo "${TAIL_MARK} $K ${text}"`;
}

/** The tail lines of this run (their text after the nonce), in order. */
export function parseTail(output: string, nonce: string): string[] {
  const head = `${TAIL_MARK} ${nonce} `;
  return lines(output)
    .filter((l) => l.startsWith(head))
    .map((l) => l.slice(head.length));
}

export function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Functions shared by every transaction; kept short because every byte crosses the console.
 * rl: reload (or start) sshd the system's way; a unit that is not active is restarted, not started: one
 * waiting out its RestartSec (RHEL's sshd.service: 42 s, retried for ever) would make `start` wait for
 * that retry, while `restart` starts it now; socket-activated, the sshd the socket started is
 * stopped instead: systemd keeps the port, the next connection starts sshd with the new config, and a
 * SIGHUP would make that sshd (Debian's build) try to bind the socket's port itself and die; open
 * sessions stay (KillMode=process), and /run/sshd, which the stop removes, is made again for the
 * checks that follow (`sshd -t`/`-T` need it); up: is it running; g PATH HOME: refuse symlinks,
 * multiply-linked files and paths resolving outside HOME (an empty HOME refuses everything);
 * fe FILE NAME FIELD VALUE: set a field of NAME's line in a colon file (passwd, shadow, group) where
 * shadow-utils is missing (busybox) — VALUE through the environment, never argv; rewritten in place
 * with cat, so the file keeps its inode, owner and mode; fails when NAME has no line.
 * bf/bm: back up content / mode+owner of a path only root controls (a status that is not 0: not backed
 * up, and the transaction rolls back before it changes anything); rb: restore everything, reload.
 *
 * A user's own files (in a home the user can write) may be swapped for links at any moment, so root
 * never opens, changes or removes them by name. Instead:
 * u USER CMD…: run CMD as USER (uid, gid, groups): setpriv where it can drop to a uid (util-linux),
 *   else su (busybox's setpriv cannot); whatever a link points at, USER's own rights are all it gets;
 * hd USER: h = USER's home from the server's own passwd (else NSS; never collected text), physical, not /;
 * cdp USER REL: cd into that home, then down REL one component at a time — no link, no `..`, and the
 *   physical path checked after each step — so the shell then holds the very directory it checked;
 * ro USER REL UID GID MODE: root sets owner (UID `-`: unchanged) and exact MODE of REL: a directory
 *   through the held directory itself (`.`), a file only where no one but root can rename entries
 *   (parent owned by root, not group/other writable), never a link or a file with a second name;
 * wu USER DIR NAME FILE: replace DIR/NAME of USER's home by FILE's bytes, written and renamed in by USER;
 * wk USER DIR NAME FILE: the same, and where USER cannot (a directory that USER cannot write and
 *   nobody but root can change) it is written by root;
 * bu/bn USER PATH: back up content / mode+owner of a path in USER's home, read as USER; rb restores
 *   them as USER, or through ro.
 */
const LIB: Record<string, string> = {
  g: `g(){ [ -n "$2" ]||return 3;[ -L "$1" ]&&return 3;r=$(readlink -f "$1")||return 3;h=$(readlink -f "$2")||return 3
case "$h" in /?*);;*)return 3;;esac
case "$r" in "$h"|"$h"/*);;*)return 3;;esac;[ -d "$1" ]||[ ! -e "$1" ]||[ "$(stat -c %h "$1")" = 1 ];}`,
  u: `u(){ v=$1;shift;if setpriv --help 2>&1|grep -q -e --reuid;then setpriv --reuid="$(id -u "$v")" --regid="$(id -g "$v")" --init-groups -- "$@";else su -s /bin/sh -c '"$0" "$@"' -- "$v" "$@";fi;}`,
  hd: `hd(){ h=$(awk -F: -v u="$1" '$1==u{print $6;exit}' /etc/passwd);[ -n "$h" ]||h=$(getent passwd "$1" 2>/dev/null|cut -d: -f6);case $h in /?*);;*)return 3;;esac;h=$(readlink -f "$h")||return 3;[ "$h" != / ]&&[ -d "$h" ];}`,
  cdp: `cdp(){ hd "$1"||return 3;cd -P "$h"||return 3;q=$h;o=$IFS;IFS=/;set -f;set -- $2;IFS=$o;set +f
for c;do case $c in ''|.|..)return 3;;esac;[ -L "$c" ]&&return 3;cd -P "./$c"||return 3;q=$q/$c;[ "$(pwd -P)" = "$q" ]||return 3;done;}`,
  ro: `ro(){ (d=\${2%/*};[ "$d" = "$2" ]&&d=;n=\${2##*/}
if [ -z "$2" ]||cdp "$1" "$2" 2>/dev/null;then [ -n "$2" ]||cdp "$1" ''||exit 3
o=$(stat -c %u .);[ "$3" = - ]||[ "$o" = "$3" ]||{ [ "$o" != 0 ]&&chown "$3:$4" .; }||exit 3;chmod a-st .&&chmod "$5" .&&[ "$(stat -c %a .)" = "$5" ]
else cdp "$1" "$d"||exit 3;[ "$(stat -c %u .)" = 0 ]&&[ $((0$(stat -c %a .)&022)) = 0 ]&&[ -f "$n" ]&&[ ! -L "$n" ]&&[ "$(stat -c %h "$n")" = 1 ]||exit 3
o=$(stat -c %u "$n");[ "$3" = - ]||[ "$o" = "$3" ]||{ [ "$o" != 0 ]&&chown -h "$3:$4" "./$n"; }||exit 3;chmod "$5" "./$n"&&[ "$(stat -c %a "$n")" = "$5" ];fi);}`,
  wu: `wu(){ hd "$1"||return 3;u "$1" sh -c 'cd -P "$1"||exit 3;if [ -n "$2" ];then [ -L "$2" ]&&exit 3;[ -d "$2" ]||mkdir -p -m 700 "$2"||exit 3;cd -P "./$2"||exit 3;fi
{ [ -d "$3" ]||[ -L "$3" ]; }&&exit 3;umask 077;t=$(mktemp .vps-rescue-XXXXXX)||exit 3;cat>"$t"&&chmod 600 "$t"&&mv -f "$t" "$3"' sh "$h" "$2" "$3" <"$4";}`,
  wk: `wk(){ wu "$@"&&return
(cdp "$1" "$2"&&[ "$(stat -c %u .)" = 0 ]&&[ $((0$(stat -c %a .)&022)) = 0 ]&&[ ! -d "$3" ]&&[ ! -L "$3" ]||exit 3
t=$(mktemp .vps-rescue-XXXXXX)&&cat <"$4" >"$t"&&chown "$(id -u "$1"):$(id -g "$1")" "$t"&&chmod 600 "$t"&&mv -f "$t" "$3");}`,
  bf: `bf(){ n=$((n+1));if [ -e "$1" ]||[ -L "$1" ];then cp -a "$1" $B/f$n&&echo "f $n 1 - - $1">>$B/m;else echo "f $n 0 - - $1">>$B/m;fi;}`,
  bm: `bm(){ [ ! -e "$1" ]||echo "m $(stat -c '%a %u %g' "$1") - $1">>$B/m;}`,
  bu: `bu(){ n=$((n+1));if [ -d "$2" ];then e=2;elif u "$1" cat "$2">$B/f$n 2>/dev/null;then e=1;elif [ -e "$2" ]||[ -L "$2" ];then e=2;else e=0;fi
echo "F $n $e $(stat -c %a "$2" 2>/dev/null||echo 600) $1 $2">>$B/m;}`,
  bn: `bn(){ [ ! -e "$2" ]||echo "M $(stat -c '%a %u %g' "$2") $1 $2">>$B/m;}`,
  fe: `fe(){ V=$4 awk -F: -v OFS=: -v u="$2" -v f=$3 '$1==u{$f=ENVIRON["V"];c=1}1;END{exit !c}' $1>$B/e&&cat $B/e>$1&&rm $B/e;}`,
};

/** sh: is this the init the transaction was made for (see Transaction.init). */
const SYSTEMD = '[ -d /run/systemd/system ]';
const RL_SYSTEMD = `for u in ssh sshd;do systemctl cat $u.service >/dev/null 2>&1||continue
systemctl is-active -q $u.socket&&{ systemctl stop $u;[ -d /run/sshd ]||mkdir -m 755 /run/sshd;return 0;}
if systemctl is-active -q $u;then systemctl reload $u;else systemctl reset-failed $u;systemctl restart $u;fi;return;done;return 1`;
const RL_OTHER = `if command -v rc-service >/dev/null;then rc-service sshd reload||rc-service sshd start
else kill -HUP $(cat /run/sshd.pid /var/run/sshd.pid 2>/dev/null|head -n1);fi`;
const UP_SYSTEMD =
  'systemctl is-active -q ssh||systemctl is-active -q sshd||systemctl is-active -q ssh.socket';
const UP_OTHER = 'grep -qx sshd /proc/[0-9]*/comm';

/** rl and up (see LIB) for this init only, or for both with the choice made on the server. */
function daemonLib(init: Init | undefined): Record<'rl' | 'up', string> {
  if (init === 'systemd')
    return { rl: `rl(){\n${SYSTEMD}||return 1\n${RL_SYSTEMD};}`, up: `up(){ ${UP_SYSTEMD};}` };
  if (init === 'other')
    return { rl: `rl(){\n${SYSTEMD}&&return 1\n${RL_OTHER};}`, up: `up(){ ${UP_OTHER};}` };
  return {
    rl: `rl(){\nif ${SYSTEMD};then\n${RL_SYSTEMD}\nel${RL_OTHER};}`,
    up: `up(){\nif ${SYSTEMD};then ${UP_SYSTEMD}\nelse ${UP_OTHER};fi;}`,
  };
}

/** Which kinds of backup a transaction makes: content (bf/bu), mode and owner (bm/bn). */
interface Backups {
  content: boolean;
  modes: boolean;
}

/**
 * The rollback, with the branches of only the backups the transaction makes (a backup list without
 * them never holds such a line): f and m for paths only root controls; for a user's own files F
 * (content, from bu: needs u) and M (mode and owner, from bn: needs u, hd and ro).
 */
function rollback(owned: Backups, root: Backups): string {
  return [
    'rb(){ echo "restoring after $1">>$B/log',
    'while read k a b c v p;do case $k in',
    ...(root.content ? ['f)rm -rf "$p";[ $b = 1 ]&&cp -a $B/f$a "$p";;'] : []),
    ...(root.modes ? ['m)chown -h $b:$c "$p";chmod $a "$p";;'] : []),
    ...(owned.content
      ? [
          `F)case $b in 0)u "$v" rm -rf "$p";;1)u "$v" sh -c 'umask 077;t="$1.vps-rescue-$$";cat>"$t"&&chmod "$2" "$t"&&mv -f "$t" "$1"' sh "$p" "$c" <$B/f$a;;esac;;`,
        ]
      : []),
    ...(owned.modes
      ? [
          'M)(hd "$v"&&r=${p#"$h"}&&case $r in ""|/*)true;;*)false;;esac&&r=${r#/}&&',
          'if [ "$b" = "$(id -u "$v")" ];then u "$v" chmod "$a" "$p";else ro "$v" "$r" "$b" "$c" "$a";fi);;',
        ]
      : []),
    // ud after the files are back: what it re-arms (an earlier window's closer) is the restored one.
    'esac;done<$B/m 2>>$B/log;ud',
    `rl;echo rolled-back>$B/state;echo "${RESULT_LINE} rolled-back $1";exit 1;}`,
  ].join('\n');
}

/** The functions each function calls. */
const NEEDS: Record<string, string[]> = {
  hd: [],
  cdp: ['hd'],
  ro: ['cdp', 'hd'],
  wu: ['u', 'hd'],
  wk: ['wu', 'u', 'hd', 'cdp'],
  bu: ['u'],
};

/** Only the functions this transaction calls: every byte crosses the console. */
function library(tx: Transaction): string[] {
  const code = tx.steps
    .concat(tx.checks)
    .map((s) => s.code)
    .join('\n');
  // A call, not a loop variable of the same name (`for g in …`).
  const uses = (name: string) => new RegExp(`(^|[\\s;&|({])(?<!for )${name} `, 'm').test(code);
  const isOwned = (p: string) => tx.owners?.[p] !== undefined;
  const owned = { content: tx.backupFiles.some(isOwned), modes: tx.backupModes.some(isOwned) };
  const root = {
    content: tx.backupFiles.some((p) => !isOwned(p)),
    modes: tx.backupModes.some((p) => !isOwned(p)),
  };
  const wanted = new Set(touchesDaemon(tx) ? ['rl', 'up'] : []);
  for (const name of ['g', 'fe', 'u', 'hd', 'cdp', 'ro', 'wu', 'wk']) if (uses(name)) wanted.add(name);
  if (root.content) wanted.add('bf');
  if (root.modes) wanted.add('bm');
  // A rollback restores a user's files as that user (F), or their modes through ro (M).
  if (owned.content) for (const name of ['bu', 'u']) wanted.add(name);
  if (owned.modes) for (const name of ['bn', 'u', 'hd', 'cdp', 'ro']) wanted.add(name);
  for (const name of [...wanted]) for (const dep of NEEDS[name] ?? []) wanted.add(dep);
  const lib: Record<string, string> = { ...daemonLib(tx.init), ...LIB };
  return [
    ...Object.keys(lib)
      .filter((name) => wanted.has(name))
      .map((name) => lib[name]!),
    rollback(owned, root),
  ];
}

/** The transaction reloads sshd (and its rollback reloads it again). */
function touchesDaemon(tx: Transaction): boolean {
  return tx.reload !== false && !tx.offline;
}

/** `bf PATH`, or `bu USER PATH` for a path in a user's home. */
function backupLine(tx: Transaction, fn: 'bf' | 'bu' | 'bm' | 'bn', path: string): string {
  const user = tx.owners?.[path];
  const call =
    user === undefined
      ? `${fn} ${quote(path)}`
      : `${fn === 'bf' ? 'bu' : 'bn'} ${quote(user)} ${quote(path)}`;
  // A backup that failed (a full disk) could not be restored: nothing is changed then.
  return `${call}||rb backup`;
}

/** The complete script for one transaction, with the nonce its result line carries. */
export function renderTransactionRun(tx: Transaction): { script: string; nonce: string } {
  const nonce = randomBytes(8).toString('hex');
  const show = (tx.show ?? []).map(quote).join(' ');
  const lines = [
    `trap '' HUP INT TERM PIPE`,
    `umask 077;n=0;K=${nonce};B=${BACKUP_ROOT}/${tx.id}`,
    `mkdir -p $B||{ echo "${RESULT_LINE} failed backup-dir";exit 1;}`,
    ...library(tx),
    // Offline, or when sshd's own files are not changed, a rollback restores the files and reloads nothing.
    ...(touchesDaemon(tx) ? [] : ['rl(){ :;}']),
    `ud(){ ${tx.undo ?? ':'};}`,
    ...(show.length > 0
      ? [
          // Only a regular file of its own is shown, checked on the open descriptor (its kernel path is
          // the name, so no symlink was followed; one link; owned by root or the home's owner) and sent
          // as hex: its text can neither fake output nor be a secret file linked into a user's directory.
          `sf(){ t=$1;j=0;shift;for f;do j=$((j+1));[ -f "$f" ]&&sg "$f" 3<"$f";done;}`,
          `sg(){ q=/proc/self/fd/3;[ "$(readlink $q)" = "$1" ]||return 0;set -- $(stat -Lc '%h %u %s' $q) $(stat -c %u "\${1%/*/*}")
case $1:$2 in 1:0|1:$4)echo "${SHOW_MARK}$t $K $j $3";od -An -v -tx1 $q;esac;}`,
          `sf A ${show}`,
        ]
      : []),
    ': >$B/m',
    ...tx.backupFiles.map((p) => backupLine(tx, 'bf', p)),
    ...tx.backupModes.map((p) => backupLine(tx, 'bm', p)),
    'echo applying>$B/state',
    // Each step in a subshell: its `exit` ends the step, not the transaction.
    ...tx.steps.map((s) => `(${s.code.trim()}\n)>>$B/log 2>&1||rb ${quote(s.name)}`),
    // Debian's sshd -t needs its privilege separation directory, which only a running ssh.service creates.
    `[ -d /run/sshd ]||mkdir -m 755 /run/sshd 2>/dev/null`,
    `sshd -t>>$B/log 2>&1||rb sshd-t`,
    ...tx.checks.map((s) => `(${s.code.trim()}\n)>>$B/log 2>&1||rb ${quote(s.name)}`),
  ];
  // A reloaded sshd that cannot take its new config dies within moments: look twice, briefly.
  if (touchesDaemon(tx))
    lines.push('rl>>$B/log 2>&1||rb reload', 'sleep 0.3', 'up||{ sleep 1;up;}||rb not-running');
  if (show.length > 0) lines.push(`sf Z ${show}`);
  lines.push('echo done>$B/state', ...(tx.tail ? [tx.tail] : []), `echo "${RESULT_LINE} ok $B"`);
  return { script: `${lines.join('\n')}\n`, nonce };
}

/** The script alone (tests, and callers that only look at it). */
export function renderTransaction(tx: Transaction): string {
  return renderTransactionRun(tx).script;
}

export interface TxResult {
  status: 'ok' | 'rolled-back' | 'failed' | 'unknown';
  /** The failed step, for rolled-back/failed. */
  step?: string;
  backupDir?: string;
}

/**
 * The transaction's result: the one whole line `VR-RESULT <nonce> …` of this run. A second one means
 * something on the server printed it (it cannot come from shown files, which go out as hex): rejected.
 */
export function parseTxResult(output: string, nonce: string): TxResult {
  // A step's name may hold spaces ("chmod /home/alice/.ssh"): the rest of the line is its name.
  const re = new RegExp(`^${RESULT_MARK} ${nonce} (ok|rolled-back|failed)(?: (.+))?$`);
  const found = lines(output)
    .map((l) => re.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  if (found.length === 0) return { status: 'unknown' };
  if (found.length > 1)
    throw new RescueError('rescue.rejected-result', { step: 'transaction', reason: 'two result lines' });
  const match = found[0]!;
  const status = match[1] as TxResult['status'];
  return status === 'ok' ? { status, backupDir: match[2] ?? '' } : { status, step: match[2] ?? '' };
}

/**
 * The files a transaction showed before (A) and after (Z) its change. Each must arrive whole (its byte
 * count) and once; anything else is rejected rather than turned into a wrong diff.
 */
export function parseShownFiles(
  output: string,
  nonce: string,
  show: string[],
): { before: Map<string, string>; after: Map<string, string> } {
  const shown = { A: new Map<string, string>(), Z: new Map<string, string>() };
  const head = new RegExp(`^${SHOW_MARK}([AZ]) ${nonce} (\\d{1,6}) (\\d{1,10})$`);
  const bad = (reason: string) => new RescueError('rescue.rejected-result', { step: 'show', reason });
  const all = lines(output);
  for (let i = 0; i < all.length; i++) {
    const m = head.exec(all[i]!);
    if (!m) continue;
    const map = shown[m[1] as 'A' | 'Z'];
    const path = show[Number(m[2]) - 1];
    if (path === undefined) throw bad(`a file ${m[2]} that was not shown`);
    if (map.has(path)) throw bad(`${path} shown twice`);
    const bytes: number[] = [];
    while (i + 1 < all.length && /^( [0-9a-f]{2})+ *$/.test(all[i + 1]!))
      bytes.push(
        ...all[++i]!.trim()
          .split(/ +/)
          .map((h) => parseInt(h, 16)),
      );
    if (bytes.length !== Number(m[3])) throw bad(`${path} arrived with ${bytes.length} of ${m[3]} bytes`);
    map.set(path, Buffer.from(bytes).toString('utf8'));
  }
  return { before: shown.A, after: shown.Z };
}

function lines(output: string): string[] {
  return output.split('\n').map((l) => l.replace(/\r$/, ''));
}

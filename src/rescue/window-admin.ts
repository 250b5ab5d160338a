import { randomBytes } from 'node:crypto';
import { RescueError } from '../errors/rescue-error.js';
import type { Lang } from '../i18n/index.js';
import { openShell } from './run.js';
import { WORK_DIR } from './server-io.js';
import type { ServerShell } from './server-shell.js';
import type { RescueOptions } from './types.js';
import {
  armFunction,
  assertWindowUser,
  LEGACY_DROPIN,
  LOG_FN,
  MAIN_CONFIG,
  WINDOW_DIR,
  WINDOW_LOG,
  UPTIME_FN,
  WINDOW_MAX_MINUTES,
  windowFiles,
} from './window-closer.js';
import { EPOCH, epochIso as iso, NOTABLE_SKEW_SECONDS } from './window-clock.js';

/*
 * Staff's view of the password windows on a server (`vps-rescue window list|close|extend`): each
 * user's window is listed from its state file, closed early by its own closer, or extended (bounded)
 * by a script of its own that moves the deadlines and re-arms the closer's timer. All times are the
 * server's.
 */

export type WindowArmed = 'armed' | 'not-armed' | 'permanent';

export interface ListedWindow {
  user: string;
  txId?: string;
  /** By the server's clock (ISO). */
  opened?: string;
  /** No `until`: permanent. */
  until?: string;
  /** Whether something will close it: the timer/watcher is there, or it is permanent. */
  armed: WindowArmed;
  /** Where its Match block is; `legacy`: the single drop-in of earlier versions (no state, no timer). */
  where: 'dropin' | 'inline' | 'legacy' | 'missing';
}

export interface WindowListing {
  /** The server's clock when it was read (ISO), and its difference to this machine's (seconds). */
  serverTime: string;
  skewSeconds: number;
  windows: ListedWindow[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/;

/** Marks our lines with a fresh nonce: nothing else the server prints is read. */
function marker(): string {
  return `VR-W-${randomBytes(4).toString('hex')}`;
}

function listScript(m: string): string {
  return [
    `echo "${m} clock $(date +%s)"`,
    `for s in ${WINDOW_DIR}/window-*;do [ -f "$s" ]||continue;u=\${s##*/window-};read t o d e <"$s";a=not-armed`,
    'if [ "$d" = - ];then a=permanent',
    'elif [ -d /run/systemd/system ];then systemctl is-active -q vps-rescue-window-$u.timer&&a=armed',
    `else for p in /proc/[0-9]*/cmdline;do case "$(tr '\\0' ' ' <$p 2>/dev/null)" in *"close-window-$u watch "*)a=armed;;esac;done;fi`,
    `w=missing;[ -f /etc/ssh/sshd_config.d/00-vps-rescue-$u.conf ]&&w=dropin;grep -qx "# BEGIN vps-rescue-window $u" ${MAIN_CONFIG}&&w=inline`,
    `echo "${m} window $u $t $o $d $a $w";done`,
    `[ -f ${LEGACY_DROPIN} ]&&sed -n 's/^Match User \\([A-Za-z0-9_-]*\\)$/${m} legacy \\1/p' ${LEGACY_DROPIN}`,
    'exit 0',
  ].join('\n');
}

function parseListing(stdout: string, m: string, clientMid: number): WindowListing {
  let clock: string | undefined;
  const windows: ListedWindow[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith(`${m} `)) continue;
    const f = line.slice(m.length + 1).split(' ');
    if (f[0] === 'clock' && EPOCH.test(f[1] ?? '')) clock = f[1];
    else if (f[0] === 'window' && f.length === 7 && NAME.test(f[1]!) && EPOCH.test(f[3]!)) {
      const [, user, txId, opened, deadline, armed, where] = f as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      windows.push({
        user,
        txId,
        opened: iso(opened),
        ...(EPOCH.test(deadline) ? { until: iso(deadline) } : {}),
        armed: (['armed', 'not-armed', 'permanent'].includes(armed) ? armed : 'not-armed') as WindowArmed,
        where: (['dropin', 'inline'].includes(where) ? where : 'missing') as ListedWindow['where'],
      });
    } else if (f[0] === 'legacy' && f.length === 2 && NAME.test(f[1]!)) {
      windows.push({ user: f[1]!, armed: 'not-armed', where: 'legacy' });
    }
  }
  if (!clock)
    throw new RescueError('rescue.failed', { step: 'window list', reason: 'the server did not answer' });
  return { serverTime: iso(clock), skewSeconds: Math.round(Number(clock) - clientMid / 1000), windows };
}

function runAdmin(shell: ServerShell, name: string, script: string) {
  return shell.runScript({
    path: `${WORK_DIR}/w-${name}.sh`,
    script: `${script}\n`,
    before: `mkdir -p -m 700 ${WORK_DIR}`,
    timeoutMs: 60_000,
  });
}

export async function listWindows(
  shell: ServerShell,
  now: () => Date = () => new Date(),
): Promise<WindowListing> {
  const m = marker();
  const before = now().getTime();
  const r = await runAdmin(shell, m.slice(5), listScript(m));
  const after = now().getTime();
  return parseListing(r.stdout, m, (before + after) / 2);
}

function notFound(user: string): RescueError {
  return new RescueError('window.not-found', { user });
}

/** The last line the closers logged for this user (why a closing or an extension failed). */
const lastLog = (user: string) => `grep ' ${user} ' ${WINDOW_LOG} 2>/dev/null|tail -n1`;

/**
 * Ends the user's window now: its own closer removes its block, checks, reloads (see closerScript);
 * the other users' windows stay. A legacy single drop-in is removed, checked and reloaded here.
 */
export async function closeWindow(shell: ServerShell, user: string): Promise<void> {
  assertWindowUser(user);
  const f = windowFiles(user);
  const m = marker();
  const script = [
    `if [ -f ${f.state} ];then sh ${f.closer} now||{ echo "${m} failed $(${lastLog(user)})";exit 0;}`,
    `elif grep -qx 'Match User ${user}' ${LEGACY_DROPIN} 2>/dev/null;then mv -f ${LEGACY_DROPIN} ${LEGACY_DROPIN}.vr`,
    `[ -d /run/sshd ]||mkdir -m 755 /run/sshd 2>/dev/null;sshd -t||{ mv -f ${LEGACY_DROPIN}.vr ${LEGACY_DROPIN};echo "${m} failed sshd -t fails without it: nothing changed";exit 0;}`,
    `rm -f ${LEGACY_DROPIN}.vr;{ systemctl reload ssh||systemctl reload sshd||rc-service sshd reload||kill -HUP $(cat /run/sshd.pid);} >/dev/null 2>&1`,
    `logger -t vps-rescue "password window of ${user} (legacy drop-in) closed by staff" 2>/dev/null`,
    `else echo "${m} none";exit 0;fi`,
    `[ -f ${f.state} ]&&echo "${m} failed still open"||echo "${m} closed"`,
  ].join('\n');
  const out = (await runAdmin(shell, m.slice(5), script)).stdout;
  const line = out.split('\n').find((l) => l.startsWith(`${m} `));
  const [, what, ...rest] = (line ?? '').replace(/\r$/, '').split(' ');
  if (what === 'closed') return;
  if (what === 'none') throw notFound(user);
  throw new RescueError('rescue.failed', {
    step: 'window close',
    reason: what === 'failed' ? rest.join(' ').slice(0, 300) || 'the closer failed' : 'no answer',
  });
}

/**
 * sh: extends the user's window by `seconds` (its new remaining time is at most WINDOW_MAX_MINUTES),
 * answering `m until EPOCH`, `m none`, `m permanent` or `m failed WHY`. Not the closer's job: the
 * closer is typed on every rescue, an extension is rare. It reads and writes only what every version
 * of the closer shares (the state file, the closer's path and its timer), so windows opened by an
 * earlier version are extended the same way. Under systemd the transient timer is armed again for the
 * new remaining time; a watcher (no systemd) reads the new deadlines from the state file by itself.
 */
export function extendScript(user: string, seconds: number, m: string): string {
  const f = windowFiles(user);
  const max = WINDOW_MAX_MINUTES * 60;
  return [
    `u=${user};S=${f.state};L=${WINDOW_LOG};umask 077`,
    LOG_FN,
    UPTIME_FN,
    `no(){ lg "extension by ${seconds} s failed: $*";echo "${m} failed $*";exit 0;}`,
    `[ -f $S ]||{ echo "${m} none";exit 0;}`,
    `read t o d e <$S;[ "$d" = - ]&&{ echo "${m} permanent";exit 0;}`,
    // Arithmetic on a damaged deadline would stop the script halfway; a timer without its closer
    // would close nothing.
    `case "$d" in ''|*[!0-9]*)no its state file is damaged;;esac`,
    `[ -f ${f.closer} ]||no its closer is missing`,
    `n=$(date +%s);r=$((d-n+${seconds}));[ $r -gt ${max} ]&&r=${max};[ $r -lt 1 ]&&r=1`,
    `echo "$t $o $((n+r)) $(($(up)+r))">$S.new&&mv -f $S.new $S||no the state file was not written`,
    `if [ -d /run/systemd/system ];then ${armFunction(f)}`,
    `arm $r||no the timer was not armed, nothing closes the window now;fi`,
    `lg "extended by ${seconds} s: closes in $r s at $((n+r))"`,
    `echo "${m} until $((n+r))"`,
  ].join('\n');
}

/**
 * Keeps the user's window open `minutes` longer than it would have been (at most WINDOW_MAX_MINUTES
 * from now, on the server's clock); the timer (or the watcher) follows. Returns the new deadline.
 */
export async function extendWindow(shell: ServerShell, user: string, minutes: number): Promise<string> {
  assertWindowUser(user);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > WINDOW_MAX_MINUTES)
    throw new RescueError('usage', {
      message: `--minutes must be a whole number from 1 to ${WINDOW_MAX_MINUTES}`,
    });
  const m = marker();
  const out = (await runAdmin(shell, m.slice(5), extendScript(user, minutes * 60, m))).stdout;
  const line = out.split('\n').find((l) => l.startsWith(`${m} `));
  const [, what, ...rest] = (line ?? '').replace(/\r$/, '').split(' ');
  if (what === 'until' && rest.length === 1 && EPOCH.test(rest[0]!)) return iso(rest[0]!);
  if (what === 'none') throw notFound(user);
  throw new RescueError('rescue.failed', {
    step: 'window extend',
    reason:
      what === 'permanent'
        ? 'the window is permanent: close it instead'
        : what === 'failed'
          ? rest.join(' ').slice(0, 300) || 'not extended'
          : 'no answer',
  });
}

export { NOTABLE_SKEW_SECONDS, WINDOW_MAX_MINUTES };

/** How staff reach the server for a window command: the same ways in as a rescue. */
export interface WindowAccess {
  host: string;
  console?: RescueOptions['console'];
  shell?: RescueOptions['shell'];
  consoleUser?: string;
  consolePassword?: string;
  providerOffers?: string[];
  transcriptPath?: string;
  lang: Lang;
  onStep?: (step: string, detail?: string) => void;
}

/** Logs in (or takes the provider's shell), runs `work`, and always logs the console out. */
export async function withServerShell<T>(
  a: WindowAccess,
  work: (shell: ServerShell) => Promise<T>,
): Promise<T> {
  const options: RescueOptions = { ...a, action: 'diagnose', windowMinutes: 0 };
  // The window command is short and changes nothing until its one transaction: no interruption ledger.
  const shell = await openShell(
    options,
    (step, detail) => a.onStep?.(step, detail),
    new AbortController().signal,
  );
  try {
    return await work(shell);
  } finally {
    await shell.close().catch(() => undefined);
  }
}

import type { Collection } from '../diagnose/collection.js';
import { initOf, quote, type Init, type Transaction, type TxStep } from './transaction.js';
import {
  armNow,
  assertWindowUser,
  bootUnit,
  closerScript,
  LEGACY_DROPIN,
  MAIN_CONFIG,
  UPTIME_FN,
  WINDOW_DIR,
  WINDOW_MAX_MINUTES,
  windowFiles,
  undoArm,
  type WindowMode,
} from './window-closer.js';
import { RescueError } from '../errors/rescue-error.js';
import { windowTimesTail } from './window-clock.js';

/** The window's methods: alternatives, one method each (sshd skips those that are disabled). */
const WINDOW_METHODS = 'publickey password keyboard-interactive';

export { WINDOW_DIR, windowFiles } from './window-closer.js';

/**
 * Sets USER's password from $VRPW (environment and stdin only, never argv). chpasswd where it exists;
 * else (Debian's busybox) busybox cryptpw/mkpasswd hashes it from stdin and `fe` puts the hash in
 * /etc/shadow. An empty VRPW would set an empty password: refused.
 */
export function setPasswordStep(user: string): TxStep {
  const u = quote(user);
  return {
    name: 'set-password',
    code: `[ -n "$VRPW" ]||exit 4\nif command -v chpasswd>/dev/null;then printf '%s:%s\\n' ${u} "$VRPW"|chpasswd;else c=cryptpw;command -v $c>/dev/null||c=mkpasswd\nh=$(printf %s "$VRPW"|$c -m sha512)&&fe /etc/shadow ${u} 2 "$h";fi`,
  };
}

/** Must change the password at the next login (passwd -e): last change day 0, field 3 of shadow. */
function expireStep(user: string): TxStep {
  const u = quote(user);
  return { name: 'expire-password', code: `passwd -e ${u}>/dev/null 2>&1||fe /etc/shadow ${u} 3 0` };
}

export interface WindowOptions {
  txId: string;
  user: string;
  /** minutes; undefined = permanent (explicit opt-out of the time limit) */
  windowMinutes?: number;
  /** Set a password first (the account has none); it comes in the environment as VRPW, never in the script. */
  setPassword?: boolean;
  /** Expire the new password so the customer must change it at first login. */
  expirePassword?: boolean;
  /**
   * The server's own system is not running (rescue system, chroot): nothing is armed now. The boot
   * unit and its wants link are written whatever /run says, and the closer arms the timer at the
   * next boot while the deadline is still ahead.
   */
  offline?: boolean;
}

export interface WindowPlan {
  mode: WindowMode;
  /** The window's length in seconds, counted on the server; undefined = permanent. */
  seconds?: number;
  tx: Transaction;
}

/** Whether sshd_config reads sshd_config.d (Debian/Ubuntu, RHEL 9): then a drop-in named to sort first wins. */
export function usesDropIns(c: Collection): boolean {
  const main = c.configFiles.find((f) => f.path === MAIN_CONFIG);
  return (main?.lines ?? []).some((l) => /^\s*include\s+\S*sshd_config\.d\/\*\.conf\b/i.test(l));
}

function matchBlock(o: WindowOptions, seconds?: number): string[] {
  const f = windowFiles(o.user);
  const until = seconds === undefined ? 'permanent' : `removed after ${seconds} s by ${f.closer}`;
  return [
    `# vps-rescue ${o.txId}: password login for ${o.user} only (${until})`,
    `Match User ${o.user}`,
    '\tPasswordAuthentication yes',
    // Alternatives, one method each (disabled ones are skipped by sshd): overrides a global
    // AuthenticationMethods. Not `any`: OpenSSH 9.2 rejects `any` in a later Match block, even one
    // that does not apply, once an earlier block (another user's window) has set the methods.
    `\tAuthenticationMethods ${WINDOW_METHODS}`,
  ];
}

/** Writes a file from a here-document inside the transaction (the content holds no secret). */
function writeFileStep(name: string, path: string, content: string, mode: string): TxStep {
  return { name, code: `cat > ${quote(path)} <<'VR_EOF'\n${content}\nVR_EOF\nchmod ${mode} ${quote(path)}` };
}

/**
 * The sshd configuration as it is before the window's block goes in, for a closer that finds it
 * broken at closing time. Other windows' drop-ins are not part of it: they come and go on their own.
 */
function snapshotStep(user: string): TxStep {
  const f = windowFiles(user);
  return {
    name: 'snapshot-config',
    code: `rm -rf ${f.snapshot}&&mkdir -p ${f.snapshot}/d&&cp -p ${MAIN_CONFIG} ${f.snapshot}/\nfor g in /etc/ssh/sshd_config.d/*.conf;do [ -f "$g" ]||continue;case \${g##*/} in 00-vps-rescue*);;*)cp -p "$g" ${f.snapshot}/d/||exit 1;;esac;done`,
  };
}

/**
 * The state file, from the server's own clocks at this moment: `TXID OPENED DEADLINE UPTIME-DEADLINE`
 * (DEADLINE `-` for a permanent window). The report's times are read back from it.
 */
function stateStep(o: WindowOptions, seconds?: number): TxStep {
  const times = seconds === undefined ? '-' : `$((n+${seconds})) $(($(up)+${seconds}))`;
  return {
    name: 'window-state',
    code: `${UPTIME_FN}\nn=$(date +%s)\necho "${o.txId} $n ${times}" > ${windowFiles(o.user).state}`,
  };
}

function scheduleSteps(o: WindowOptions, mode: WindowMode, seconds: number, init?: Init): TxStep[] {
  const f = windowFiles(o.user);
  const boot = `${writeFileStep('', f.bootUnit, bootUnit(o.user), '644').code}\nmkdir -p ${f.bootLink.replace(/\/[^/]+$/, '')}&&ln -sf ${f.bootUnit} ${f.bootLink}`;
  const closer = writeFileStep('write-closer', f.closer, closerScript(o.user, mode, init), '700');
  if (o.offline) return [closer, { name: 'schedule-close', code: boot }];
  const arm = { name: 'arm-close', code: armNow(o.user, seconds, o.txId, init) };
  // Without systemd no unit is written: nothing of systemd's is touched on such a system.
  if (init === 'other') return [closer, arm];
  const guard = init === 'systemd' ? '' : '[ -d /run/systemd/system ]||exit 0\n';
  return [closer, { name: 'schedule-close', code: `${guard}${boot}` }, arm];
}

export function passwordWindow(c: Collection, o: WindowOptions): WindowPlan {
  assertWindowUser(o.user);
  if (o.windowMinutes !== undefined && !(o.windowMinutes > 0 && o.windowMinutes <= WINDOW_MAX_MINUTES))
    throw new RescueError('usage', {
      message: `the password window must last more than 0 and at most ${WINDOW_MAX_MINUTES} minutes`,
    });
  const f = windowFiles(o.user);
  const mode = usesDropIns(c) ? 'dropin' : 'inline';
  // A rescue system's init is not the server's: the closer decides at the server's next boot.
  const init = o.offline ? undefined : initOf(c);
  const seconds = o.windowMinutes === undefined ? undefined : Math.max(1, Math.round(o.windowMinutes * 60));
  const block = matchBlock(o, seconds);
  const steps: TxStep[] = [];
  const backupFiles: string[] = [];

  if (o.setPassword) {
    backupFiles.push('/etc/shadow');
    steps.push(setPasswordStep(o.user));
    if (o.expirePassword) steps.push(expireStep(o.user));
  }

  // This user's files only: another user's window is neither backed up nor touched.
  backupFiles.push(f.state, f.closer, f.snapshot);
  steps.push({ name: 'window-dir', code: `mkdir -p ${WINDOW_DIR}&&chmod 700 ${WINDOW_DIR}` });
  steps.push(snapshotStep(o.user));

  if (mode === 'dropin') {
    // A window of an earlier version says `AuthenticationMethods any`, which OpenSSH 9.2 refuses
    // after our block has set the methods: it gets the same alternatives (its own closer still ends it).
    // The collector reads every included drop-in, so a server without one needs no step for it.
    if (c.configFiles.some((file) => file.path === LEGACY_DROPIN)) {
      backupFiles.push(LEGACY_DROPIN);
      steps.push({
        name: 'legacy-window',
        code: `[ -f ${LEGACY_DROPIN} ]||exit 0\nsed -i 's/^\\([[:space:]]*AuthenticationMethods\\) any$/\\1 ${WINDOW_METHODS}/' ${LEGACY_DROPIN}`,
      });
    }
    backupFiles.push(f.dropin);
    steps.push(writeFileStep('write-dropin', f.dropin, block.join('\n'), '644'));
  } else {
    backupFiles.push(MAIN_CONFIG);
    // Before the first Match block, so no earlier Match can win for the user; an earlier block of
    // this user's (a window opened again) is replaced.
    const marked = [f.begin, ...block, 'Match all', f.end];
    const blockFile = `${WINDOW_DIR}/block-${o.user}`;
    steps.push(writeFileStep('write-block', blockFile, marked.join('\n'), '600'));
    steps.push({
      name: 'insert-match',
      code: `sed -i '/^${f.begin}$/,/^${f.end}$/d' ${MAIN_CONFIG}&&awk -v f=${blockFile} 'function b(){while((getline l<f)>0)print l} !d&&/^[ \\t]*[Mm][Aa][Tt][Cc][Hh][ \\t]/{b();d=1} {print} END{if(!d)b()}' ${MAIN_CONFIG} > ${MAIN_CONFIG}.vr && cat ${MAIN_CONFIG}.vr > ${MAIN_CONFIG} && rm -f ${MAIN_CONFIG}.vr ${blockFile}`,
    });
  }

  steps.push(stateStep(o, seconds));
  if (seconds !== undefined) {
    if (init !== 'other') backupFiles.push(f.bootUnit, f.bootLink);
    steps.push(...scheduleSteps(o, mode, seconds, init));
  } else {
    // Closed only by staff (`vps-rescue window close`): the closer is there, nothing arms it.
    steps.push(writeFileStep('write-closer', f.closer, closerScript(o.user, mode, init), '700'));
  }

  const checks: TxStep[] = [
    {
      name: 'not-effective',
      code: `sshd -T -C user=${o.user},host=vps-rescue-check,addr=127.0.0.1 | grep -qix 'passwordauthentication yes'`,
    },
  ];
  // A rollback restores the files (the watcher without systemd ends when its state file goes or
  // changes); the timer that was already started must be stopped by name, and an earlier window
  // of this user's put back is armed again.
  const undo = seconds !== undefined && !o.offline ? undoArm(o.user, init) : undefined;
  return {
    mode,
    seconds,
    tx: {
      id: o.txId,
      backupFiles,
      backupModes: [],
      steps,
      checks,
      undo,
      // The report's times are the server's: read back in the same exchange as the change.
      tail: windowTimesTail(o.user),
      ...(init ? { init } : {}),
      ...(o.offline ? { offline: true } : {}),
    },
  };
}

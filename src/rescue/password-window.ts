import type { Collection } from '../diagnose/collection.js';
import { quote, type Transaction, type TxStep } from './transaction.js';

export const WINDOW_DIR = '/etc/vps-rescue';
export const CLOSER = `${WINDOW_DIR}/close-window`;
export const DROPIN = '/etc/ssh/sshd_config.d/00-vps-rescue.conf';
const MAIN_CONFIG = '/etc/ssh/sshd_config';
const UNIT_DIR = '/etc/systemd/system';
/** Runs the closer at boot, before sshd: a window whose deadline passed while the server was down never opens again. */
const BOOT_UNIT = `${UNIT_DIR}/vps-rescue-window.service`;
const BOOT_LINK = `${UNIT_DIR}/multi-user.target.wants/vps-rescue-window.service`;

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
  now: Date;
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
  mode: 'dropin' | 'inline';
  deadline?: Date;
  tx: Transaction;
}

/** Whether sshd_config reads sshd_config.d (Debian/Ubuntu, RHEL 9): then a drop-in named to sort first wins. */
export function usesDropIns(c: Collection): boolean {
  const main = c.configFiles.find((f) => f.path === MAIN_CONFIG);
  return (main?.lines ?? []).some((l) => /^\s*include\s+\S*sshd_config\.d\/\*\.conf\b/i.test(l));
}

function matchBlock(o: WindowOptions, deadline?: Date): string[] {
  const until = deadline ? `until ${deadline.toISOString()}, then removed automatically` : 'permanent';
  return [
    `# vps-rescue ${o.txId}: password login for ${o.user} only (${until})`,
    `Match User ${o.user}`,
    '\tPasswordAuthentication yes',
    '\tAuthenticationMethods any',
  ];
}

/**
 * A transient systemd timer (no daemon-reload, nothing left behind) that runs the closer at the
 * deadline; the boot unit arms it again after a reboot before the deadline.
 */
function armTimer(txId: string, deadline: Date): string {
  const calendar = deadline
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return `systemd-run -q --no-block --on-calendar='${calendar}' --timer-property=AccuracySec=1s --unit=vps-rescue-window-${txId} ${CLOSER}`;
}

/** The script that ends the window: remove our lines, check, reload. At boot it runs before sshd. */
function closerScript(mode: 'dropin' | 'inline', txId: string, deadline: Date): string {
  const remove =
    mode === 'dropin'
      ? `rm -f ${DROPIN}`
      : `sed -i '/^# BEGIN vps-rescue ${txId}$/,/^# END vps-rescue ${txId}$/d' ${MAIN_CONFIG}`;
  return [
    '#!/bin/sh',
    `# vps-rescue ${txId}: ends the password window`,
    `[ "$(date +%s)" -lt ${Math.floor(deadline.getTime() / 1000)} ]&&{ [ "$1" = boot ]&&${armTimer(txId, deadline)};exit 0;}`,
    remove,
    `rm -f ${BOOT_UNIT} ${BOOT_LINK}`,
    `[ "$1" = boot ]&&exit 0`,
    'sshd -t&&{ systemctl reload ssh||systemctl reload sshd||rc-service sshd reload||kill -HUP $(cat /run/sshd.pid);} 2>/dev/null',
    `logger -t vps-rescue "password window ${txId} closed" 2>/dev/null`,
    'exit 0',
  ].join('\n');
}

/** Writes a file from a here-document inside the transaction (the content holds no secret). */
function writeFileStep(name: string, path: string, content: string, mode: string): TxStep {
  return { name, code: `cat > ${quote(path)} <<'VR_EOF'\n${content}\nVR_EOF\nchmod ${mode} ${quote(path)}` };
}

function scheduleSteps(o: WindowOptions, mode: 'dropin' | 'inline', deadline: Date): TxStep[] {
  const boot = `[Unit]\nDescription=vps-rescue: password window ${o.txId}\nDefaultDependencies=no\nAfter=local-fs.target\nBefore=ssh.service sshd.service\n[Service]\nType=oneshot\nExecStart=${CLOSER} boot`;
  const bootUnit = `${writeFileStep('', BOOT_UNIT, boot, '644').code}\nmkdir -p ${UNIT_DIR}/multi-user.target.wants&&ln -sf ${BOOT_UNIT} ${BOOT_LINK}`;
  if (o.offline) {
    return [
      writeFileStep('write-closer', CLOSER, closerScript(mode, o.txId, deadline), '700'),
      { name: 'schedule-close', code: bootUnit },
    ];
  }
  return [
    writeFileStep('write-closer', CLOSER, closerScript(mode, o.txId, deadline), '700'),
    {
      name: 'schedule-close',
      // Without systemd nothing survives a reboot; a detached sleep still closes the window.
      code: `[ -d /run/systemd/system ]&&exit 0\n(setsid sh -c 'sleep ${(o.windowMinutes ?? 0) * 60}; ${CLOSER}' </dev/null >/dev/null 2>&1 &)`,
    },
    {
      name: 'schedule-close',
      code: `[ -d /run/systemd/system ]||exit 0\n${bootUnit}&&${armTimer(o.txId, deadline)}`,
    },
  ];
}

export function passwordWindow(c: Collection, o: WindowOptions): WindowPlan {
  const mode = usesDropIns(c) ? 'dropin' : 'inline';
  const deadline =
    o.windowMinutes === undefined ? undefined : new Date(o.now.getTime() + o.windowMinutes * 60_000);
  const block = matchBlock(o, deadline);
  const steps: TxStep[] = [];
  const backupFiles: string[] = [];

  if (o.setPassword) {
    backupFiles.push('/etc/shadow');
    steps.push(setPasswordStep(o.user));
    if (o.expirePassword) steps.push(expireStep(o.user));
  }

  if (mode === 'inline' || deadline) {
    // Listed first, so a rollback that finds it new removes it with everything in it.
    backupFiles.push(WINDOW_DIR);
    steps.push({ name: 'window-dir', code: `mkdir -p ${WINDOW_DIR}` });
  }

  if (mode === 'dropin') {
    backupFiles.push(DROPIN);
    steps.push(writeFileStep('write-dropin', DROPIN, block.join('\n'), '644'));
  } else {
    backupFiles.push(MAIN_CONFIG);
    // Before the first Match block, so no earlier Match can win for the user.
    const marked = [`# BEGIN vps-rescue ${o.txId}`, ...block, 'Match all', `# END vps-rescue ${o.txId}`];
    const blockFile = `${WINDOW_DIR}/block-${o.txId}`;
    steps.push(writeFileStep('write-block', blockFile, marked.join('\n'), '600'));
    steps.push({
      name: 'insert-match',
      code: `awk -v f=${blockFile} 'function b(){while((getline l<f)>0)print l} !d&&/^[ \\t]*[Mm][Aa][Tt][Cc][Hh][ \\t]/{b();d=1} {print} END{if(!d)b()}' ${MAIN_CONFIG} > ${MAIN_CONFIG}.vr && cat ${MAIN_CONFIG}.vr > ${MAIN_CONFIG} && rm -f ${MAIN_CONFIG}.vr ${blockFile}`,
    });
  }

  if (deadline) {
    backupFiles.push(CLOSER, BOOT_UNIT, BOOT_LINK);
    steps.push(...scheduleSteps(o, mode, deadline));
  }

  const checks: TxStep[] = [
    {
      name: 'not-effective',
      code: `sshd -T -C user=${o.user},host=vps-rescue-check,addr=127.0.0.1 | grep -qix 'passwordauthentication yes'`,
    },
  ];
  // A rollback restores the files; the timer that was already started must be stopped by name.
  const undo =
    deadline && !o.offline ? `systemctl stop vps-rescue-window-${o.txId}.timer 2>/dev/null` : undefined;
  return {
    mode,
    deadline,
    tx: {
      id: o.txId,
      backupFiles,
      backupModes: [],
      steps,
      checks,
      undo,
      ...(o.offline ? { offline: true } : {}),
    },
  };
}

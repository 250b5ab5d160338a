import type { FileSpec } from '../../lab/index.js';
import type { TruthFlavour } from '../../lab/flavour-names.js';

/** Where a truth case runs: Debian's own suites, or one of the lab flavours. */
export type TruthSystem = 'debian' | TruthFlavour;

/**
 * What a case has to do differently on each system to build the same lockout: the way its admin
 * turns sshd off, how a program is made to start before sshd, how sshd's state is read.
 */
export interface SystemFacts {
  system: TruthSystem;
  /** sh lines (run before the first boot) that keep sshd from starting, the way an admin there does it */
  disableSshd: string[];
  /** a program that takes sshd's address and port before sshd starts: its files and the lines that enable it */
  squatter: { files: FileSpec[]; commands: string[] };
  /** sh printing sshd's state as systemd words it: active, activating, failed, inactive */
  sshdState: string;
  /** sh that succeeds once the boot is over (a state read then is final) */
  bootOver: string;
}

/** Reads the address the lab pinned sshd (or ssh.socket) to, wherever the flavour keeps it. */
const SQUAT = {
  path: '/usr/local/sbin/squat',
  mode: 0o755,
  content: [
    '#!/bin/sh',
    'a=$(cat /etc/systemd/system/ssh.service.d/lab-listen.conf /etc/systemd/system/sshd.service.d/lab-listen.conf \\',
    "  /etc/conf.d/sshd 2>/dev/null | sed -n 's/.*ListenAddress=\\([0-9.]*\\).*/\\1/p' | head -n1)",
    'exec perl -MIO::Socket::INET -e \'$s=IO::Socket::INET->new(LocalAddr=>$ARGV[0],LocalPort=>22,Listen=>5,ReuseAddr=>1) or die "bind: $!";sleep 1e6\' "$a"',
    '',
  ].join('\n'),
};

/** The squatter as a systemd service ordered before `unit`. */
function squatUnit(unit: string, early = false): SystemFacts['squatter'] {
  return {
    files: [
      SQUAT,
      {
        path: '/etc/systemd/system/squat.service',
        mode: 0o644,
        content: [
          '[Unit]',
          'Description=a program that took the SSH port',
          // A socket unit is started before basic.target, so its squatter must not wait for it.
          ...(early ? ['DefaultDependencies=no'] : []),
          `Before=${unit}`,
          '[Service]',
          'ExecStart=/usr/local/sbin/squat',
          'ExecStartPost=/bin/sleep 1',
          '[Install]',
          `WantedBy=${early ? 'sockets.target' : 'multi-user.target'}`,
          '',
        ].join('\n'),
      },
    ],
    commands: [
      `ln -s /etc/systemd/system/squat.service /etc/systemd/system/${early ? 'sockets' : 'multi-user'}.target.wants/squat.service`,
    ],
  };
}

/**
 * A unit waiting out its RestartSec after a failed start (RHEL's sshd.service: Restart=on-failure,
 * RestartSec=42s, so it never reaches `failed`) is down as well.
 */
const systemdState = (unit: string) =>
  `[ "$(systemctl show -p SubState --value ${unit})" = auto-restart ] && echo failed || systemctl show -p ActiveState --value ${unit}`;
const SYSTEMD_BOOT_OVER = 'test "$(systemctl is-system-running)" != starting';

export const SYSTEMS: Record<TruthSystem, SystemFacts> = {
  debian: {
    system: 'debian',
    disableSshd: ['systemctl disable ssh.service', 'systemctl mask ssh.socket'],
    squatter: squatUnit('ssh.service'),
    sshdState: systemdState('ssh.service'),
    bootOver: SYSTEMD_BOOT_OVER,
  },
  rhel: {
    system: 'rhel',
    disableSshd: ['systemctl disable sshd.service'],
    squatter: squatUnit('sshd.service'),
    sshdState: systemdState('sshd.service'),
    bootOver: SYSTEMD_BOOT_OVER,
  },
  socket: {
    system: 'socket',
    // Ubuntu's way to turn sshd off: the socket that starts it (ssh.service is not enabled there).
    disableSshd: ['systemctl disable ssh.socket ssh.service'],
    squatter: squatUnit('ssh.socket', true),
    // ssh.service runs only once a connection came: never started at boot, whatever the socket does.
    sshdState: systemdState('ssh.service'),
    bootOver: SYSTEMD_BOOT_OVER,
  },
  openrc: {
    system: 'openrc',
    disableSshd: ['rc-update del sshd default'],
    squatter: {
      files: [
        SQUAT,
        {
          path: '/etc/init.d/squat',
          mode: 0o755,
          content: [
            '#!/sbin/openrc-run',
            'description="a program that took the SSH port"',
            'command=/usr/local/sbin/squat',
            'command_background=yes',
            'pidfile=/run/squat.pid',
            'depend() {',
            '\tbefore sshd',
            '}',
            'start_post() {',
            '\tsleep 1',
            '}',
            '',
          ].join('\n'),
        },
      ],
      commands: ['ln -s /etc/init.d/squat /etc/runlevels/default/squat'],
    },
    // Debian's openrc starts sshd through dpkg's start-stop-daemon and keeps no record of the daemon:
    // `rc-service sshd status` says started even after sshd died on its own. Its process tells.
    sshdState: 'grep -qx sshd /proc/[0-9]*/comm && echo active || echo inactive',
    bootOver: 'true',
  },
};

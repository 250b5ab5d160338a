import { ensureDerivedImage, type DerivedImage } from './distro-image.js';
import type { Flavour } from './flavours.js';
import { buildSetup } from './setup-script.js';
import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

/**
 * Alpine's service arrangement on Debian's packages: sysvinit as PID 1 with the real OpenRC (Debian's
 * `openrc` package) running the services, sshd an `openrc-run` service named `sshd` (started, stopped
 * and reloaded with `rc-service sshd …`), busybox syslogd writing /var/log/messages, `doas` for the
 * wheel group and no sudo. Accounts, PAM and OpenSSH are Debian's.
 */

/** The sshd service the way Alpine's openssh package defines it: options from /etc/conf.d/sshd. */
const SSHD_INIT = [
  '#!/sbin/openrc-run',
  'description="OpenSSH server"',
  'extra_started_commands="reload"',
  'command=/usr/sbin/sshd',
  'command_args="${sshd_opts}"',
  'pidfile=/run/sshd.pid',
  '',
  'depend() {',
  '\tuse logger dns',
  '\tafter firewall',
  '}',
  '',
  'checkconfig() {',
  '\tcheckpath -d -m 0755 /run/sshd',
  '\t"$command" -t $command_args',
  '}',
  '',
  'start_pre() {',
  '\tcheckconfig',
  '}',
  '',
  'reload() {',
  '\tcheckconfig || return 1',
  '\tebegin "Reloading $RC_SVCNAME"',
  // Debian's openrc runs dpkg's start-stop-daemon, which sends a signal only with --stop.
  '\tstart-stop-daemon --stop --signal HUP --quiet --pidfile "$pidfile"',
  '\teend $?',
  '}',
  '',
].join('\n');

const SYSLOG_INIT = [
  '#!/sbin/openrc-run',
  'description="busybox system logger"',
  'command=/bin/busybox',
  'command_args="syslogd -n -O /var/log/messages"',
  'command_background=yes',
  'pidfile=/run/syslogd.pid',
  '',
  'depend() {',
  '\tprovide logger',
  '}',
  '',
].join('\n');

const OPENRC_IMAGE: DerivedImage = {
  name: 'openrc',
  packages: ['sysvinit-core', 'openrc', 'opendoas', 'busybox', 'systemd-sysv-', 'systemd-', 'sudo-'],
  files: {
    '/etc/os-release': [
      [
        'NAME="Alpine Linux"',
        'ID=alpine',
        'VERSION_ID=3.20.0',
        // Not a real Alpine: OpenRC, doas and OpenSSH from Debian's packages.
        'PRETTY_NAME="OpenRC lab server (sysvinit + OpenRC, doas; Debian packages)"',
        '',
      ].join('\n'),
      0o644,
    ],
    '/etc/init.d/sshd': [SSHD_INIT, 0o755],
    '/etc/init.d/syslog': [SYSLOG_INIT, 0o755],
    '/etc/conf.d/sshd': ['sshd_opts=""\n', 0o644],
    '/etc/doas.conf': ['permit persist :wheel\n', 0o600],
  },
  customize: [
    'rm -f /etc/init.d/ssh',
    // Removed, not purged, sudo leaves its rules behind; Alpine never had them.
    'rm -rf /etc/sudoers /etc/sudoers.d',
    'for s in /etc/rc?.d/*ssh; do rm -f "$s"; done',
    'mkdir -p /etc/runlevels/default',
    'ln -sf /etc/init.d/sshd /etc/runlevels/default/sshd',
    'ln -sf /etc/init.d/syslog /etc/runlevels/default/syslog',
    'getent group wheel >/dev/null || groupadd -r wheel',
    // The console is the container's /dev/console: one getty there, none on tty1-6.
    "sed -i -e '/^[1-6]:/d' /etc/inittab",
    "echo 'co:2345:respawn:/sbin/agetty --noclear -8 -L console 115200 vt100' >> /etc/inittab",
    'echo "HOME_MODE 0700" >> /etc/login.defs',
  ].join('\n'),
  version: 3,
};

function openrcSpec(spec: ServerSpec): ServerSpec {
  return {
    ...spec,
    users: spec.users?.map((u) => ({ ...u, groups: u.groups?.map((g) => (g === 'sudo' ? 'wheel' : g)) })),
  };
}

export const OPENRC: Flavour = {
  image: (log) => ensureDerivedImage(OPENRC_IMAGE, log),
  setup: (spec, opts) =>
    buildSetup(openrcSpec(spec), {
      ...opts,
      listen: (address) => [`echo ${sq(`sshd_opts="-o ListenAddress=${address}"`)} > /etc/conf.d/sshd`],
    }),
  init: 'init',
  sshdListening: (address) => `ss -Hltn 'sport = :22' | grep -qF ${sq(address)}`,
  sshdLog: 'grep -E "sshd(-session|-auth)?\\[" /var/log/messages 2>/dev/null || true',
  reboot: 'reboot',
};

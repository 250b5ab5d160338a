/**
 * The /etc of the busybox flavour, written the way Alpine ships it where the rescue could tell the
 * difference: busybox init and getty, an OpenRC-less init script for sshd (pid file, SIGHUP reload),
 * account files edited by hand (no shadow-utils), group wheel, sshd without PAM.
 */

/** Path inside the image → [content, octal mode]. */
export const BUSYBOX_ETC: Record<string, [string, number]> = {
  '/etc/os-release': [
    [
      'NAME="Alpine Linux"',
      'ID=alpine',
      'VERSION_ID=3.20.0',
      // Not a real Alpine: busybox and Debian's sshd, built by the vps-rescue lab.
      'PRETTY_NAME="Alpine-like lab server (busybox init, no systemd)"',
      '',
    ].join('\n'),
    0o644,
  ],
  '/etc/inittab': [
    [
      '::sysinit:/etc/init.d/rcS',
      '::respawn:/sbin/getty -L 0 console vt100',
      '::ctrlaltdel:/sbin/reboot',
      '::shutdown:/etc/init.d/rcK',
      '',
    ].join('\n'),
    0o644,
  ],
  '/etc/init.d/rcS': [
    [
      '#!/bin/sh',
      'mkdir -p /run/sshd /var/log /tmp',
      'chmod 755 /run/sshd',
      'chmod 1777 /tmp',
      'hostname -F /etc/hostname',
      'syslogd -O /var/log/messages',
      '/etc/init.d/sshd start',
      '',
    ].join('\n'),
    0o755,
  ],
  '/etc/init.d/rcK': ['#!/bin/sh\n/etc/init.d/sshd stop\nkillall syslogd\n', 0o755],
  // No OpenRC: the script busybox init runs at boot; the product must reload sshd by its pid file.
  '/etc/init.d/sshd': [
    [
      '#!/bin/sh',
      '. /etc/conf.d/sshd',
      'pid=$(cat /run/sshd.pid 2>/dev/null)',
      'case "$1" in',
      'start) /usr/sbin/sshd $sshd_opts ;;',
      'stop) [ -n "$pid" ] && kill "$pid" ;;',
      'reload) [ -n "$pid" ] && kill -HUP "$pid" ;;',
      '*) echo "usage: $0 start|stop|reload" >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
    0o755,
  ],
  '/etc/conf.d/sshd': ['sshd_opts=""\n', 0o644],
  '/etc/passwd': [
    [
      'root:x:0:0:root:/root:/bin/sh',
      'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
      'sshd:x:22:22:sshd:/dev/null:/sbin/nologin',
      'nobody:x:65534:65534:nobody:/:/sbin/nologin',
      '',
    ].join('\n'),
    0o644,
  ],
  '/etc/group': [
    [
      'root:x:0:root',
      'daemon:x:2:root,daemon',
      'wheel:x:10:root',
      'sshd:x:22:',
      'shadow:x:42:',
      'nogroup:x:65533:',
      'nobody:x:65534:',
      '',
    ].join('\n'),
    0o644,
  ],
  '/etc/shadow': [
    ['root:*::0:::::', 'daemon:!::0:::::', 'sshd:!::0:::::', 'nobody:!::0:::::', ''].join('\n'),
    0o640,
  ],
  '/etc/shells': ['/bin/sh\n/bin/ash\n', 0o644],
  '/etc/issue': ['Welcome to an Alpine-like lab server\nKernel \\r on an \\m (\\l)\n\n', 0o644],
  '/etc/profile': [
    [
      'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'export PAGER=less',
      "export PS1='\\h:\\w\\$ '",
      'umask 022',
      '',
    ].join('\n'),
    0o644,
  ],
  // Alpine's sshd_config in short: the Include first, no PAM (Alpine builds sshd without it).
  '/etc/ssh/sshd_config': [
    [
      'Include /etc/ssh/sshd_config.d/*.conf',
      'AuthorizedKeysFile .ssh/authorized_keys',
      'UsePAM no',
      'AllowTcpForwarding no',
      'GatewayPorts no',
      'X11Forwarding no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
    0o644,
  ],
};

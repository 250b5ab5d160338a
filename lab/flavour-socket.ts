import type { Flavour } from './flavours.js';
import { ensureImage } from './image.js';
import { buildSetup } from './setup-script.js';
import { sq } from './shell.js';

/** Where the lab's stand-in for Ubuntu's generator lives (generators in /etc run like packaged ones). */
export const SOCKET_GENERATOR = '/etc/systemd/system-generators/sshd-socket-generator';

/**
 * Ubuntu 24.04's sshd-socket-generator turns sshd_config's Port lines into
 * `/run/systemd/generator/ssh.socket.d/addresses.conf` (`ListenStream=` reset, one line per port) on
 * every boot and `systemctl daemon-reload`, and writes nothing when sshd uses port 22 only. Debian
 * trixie ships ssh.socket but not that generator, so the lab puts this one in its place. It reads the
 * ports with `sshd -G` (the configuration as sshd parses it, Include and drop-ins included; needs no
 * host keys). The one difference from Ubuntu's: the address is pinned to the server's own loopback
 * address, as the lab pins sshd's, so lab servers never listen on the host's other addresses.
 */
export function socketGenerator(address: string, sshd = '/usr/sbin/sshd'): string {
  return `#!/bin/sh
d="\${1:-/run/systemd/generator}"
p=$(${sshd} -G 2>/dev/null | awk '$1=="port"{print $2}' | sort -un)
[ -n "$p" ] && [ "$p" != 22 ] || exit 0
mkdir -p "$d/ssh.socket.d"
{ printf '[Socket]\\nListenStream=\\n'; for n in $p; do printf 'ListenStream=%s:%s\\n' ${sq(address)} "$n"; done; } > "$d/ssh.socket.d/addresses.conf"
`;
}

/**
 * Ubuntu 22.10+'s arrangement on trixie's OpenSSH 10.0: systemd listens (ssh.socket, Accept=no) and
 * starts ssh.service on the first connection; ssh.service itself is not enabled. The socket's own
 * `ListenStream=22` is pinned to the server's address by a vendor drop-in that sorts before the
 * generator's `addresses.conf`, so the generator's reset replaces it exactly as on Ubuntu.
 */
export const SOCKET_ACTIVATED: Flavour = {
  image: (log) => ensureImage('trixie', log),
  // The distribution's arrangement first, then the scenario's own commands: what the customer did
  // (a socket disabled, a unit masked) must not be undone by the lab's setup.
  setup: (spec, opts) => {
    const lines = [
      'systemctl disable ssh.service >/dev/null 2>&1 || rm -f /etc/systemd/system/multi-user.target.wants/ssh.service',
      'mkdir -p /etc/systemd/system/sockets.target.wants /usr/lib/systemd/system/ssh.socket.d',
      'ln -sf /usr/lib/systemd/system/ssh.socket /etc/systemd/system/sockets.target.wants/ssh.socket',
      `printf '[Socket]\\nListenStream=\\nListenStream=%s:22\\n' ${sq(opts.address)} > /usr/lib/systemd/system/ssh.socket.d/00-lab-address.conf`,
      `mkdir -p ${sq(SOCKET_GENERATOR.slice(0, SOCKET_GENERATOR.lastIndexOf('/')))}`,
      `cat > ${sq(SOCKET_GENERATOR)} <<'LAB_GENERATOR'`,
      socketGenerator(opts.address).trimEnd(),
      'LAB_GENERATOR',
      `chmod 755 ${sq(SOCKET_GENERATOR)}`,
    ];
    return buildSetup({ ...spec, commands: [...lines, ...(spec.commands ?? [])] }, opts);
  },
  init: 'systemd',
  systemd: true,
  suite: 'trixie',
  sshdListening: (address) => `ss -Hltn 'sport = :22' | grep -qF ${sq(address)}`,
  sshdLog:
    'journalctl --no-pager -o short -t sshd -t sshd-session -t sshd-auth -u ssh.service 2>/dev/null || true',
  reboot: 'systemctl reboot',
};

import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

export const SETUP_DIR = '/.vps-rescue-lab';

export interface SetupPlan {
  script: string;
  /** Data files placed at `${SETUP_DIR}/files/<index>` before the script runs. */
  payloads: Buffer[];
}

/**
 * Turns a server spec into one sh script run in the server's root filesystem before its first boot.
 * The lab's own listen-address override is written last so nothing in a scenario can move sshd off
 * its loopback address.
 */
export function buildSetup(spec: ServerSpec, opts: { hostname: string; address: string }): SetupPlan {
  const lines: string[] = ['set -e', `export PATH=/usr/sbin:/usr/bin:/sbin:/bin`];
  const payloads: Buffer[] = [];
  const passwords: string[] = [];

  lines.push(`echo ${sq(opts.hostname)} > /etc/hostname`);
  lines.push(`printf '127.0.1.1\\t%s\\n' ${sq(opts.hostname)} >> /etc/hosts`);

  for (const user of spec.users ?? []) {
    const args = ['-s', sq(user.shell ?? '/bin/bash')];
    if (!user.noHome) args.push('-m');
    lines.push(`useradd ${args.join(' ')} ${sq(user.name)}`);
    for (const group of user.groups ?? []) {
      lines.push(`getent group ${sq(group)} >/dev/null || groupadd ${sq(group)}`);
      lines.push(`usermod -aG ${sq(group)} ${sq(user.name)}`);
    }
    if (user.password !== undefined) passwords.push(`${user.name}:${user.password}`);
  }
  const rootPassword = spec.rootPassword === undefined ? 'root' : spec.rootPassword;
  if (rootPassword === null) lines.push('usermod -p "*" root');
  else passwords.push(`root:${rootPassword}`);
  if (passwords.length > 0) {
    payloads.push(Buffer.from(`${passwords.join('\n')}\n`));
    lines.push(`chpasswd < ${SETUP_DIR}/files/${payloads.length - 1}`);
  }

  for (const file of spec.files ?? []) {
    const path = sq(file.path);
    lines.push(`mkdir -p "$(dirname ${path})"`);
    if (file.symlinkTo !== undefined) {
      lines.push(`ln -sfn ${sq(file.symlinkTo)} ${path}`);
      continue;
    }
    if (file.content === undefined) {
      lines.push(`mkdir -p ${path}`);
    } else {
      payloads.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
      lines.push(`cat ${SETUP_DIR}/files/${payloads.length - 1} > ${path}`);
    }
    if (file.owner) lines.push(`chown ${sq(file.owner)} ${path}`);
    if (file.mode !== undefined) lines.push(`chmod ${file.mode.toString(8)} ${path}`);
  }

  lines.push(...(spec.commands ?? []));

  lines.push(
    'mkdir -p /etc/systemd/system/ssh.service.d',
    `cat > /etc/systemd/system/ssh.service.d/lab-listen.conf <<'EOF'`,
    '[Service]',
    'ExecStart=',
    `ExecStart=/usr/sbin/sshd -D -o ListenAddress=${opts.address} $SSHD_OPTS`,
    'EOF',
  );
  return { script: `${lines.join('\n')}\n`, payloads };
}

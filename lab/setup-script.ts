import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

export const SETUP_DIR = '/.vps-rescue-lab';

export interface SetupPlan {
  script: string;
  /** Data files placed at `${SETUP_DIR}/files/<index>` before the script runs. */
  payloads: Buffer[];
}

/**
 * Tests log in and out on one server's console many times within seconds, which no real server
 * sees: systemd's default start limit (5 starts in 10 s) then stops the console's getty for good
 * (`start-limit-hit`), and the next login finds a silent console. The lab's getty has no start limit.
 */
const GETTY_WITHOUT_START_LIMIT =
  "if [ -d /etc/systemd/system ]; then mkdir -p /etc/systemd/system/console-getty.service.d && printf '[Unit]\\nStartLimitIntervalSec=0\\n' > /etc/systemd/system/console-getty.service.d/lab-start-limit.conf; fi";

/**
 * Turns a server spec into one sh script run in the server's root filesystem before its first boot.
 * The lab's own listen-address override is written last so nothing in a scenario can move sshd off
 * its loopback address.
 */
export function buildSetup(
  spec: ServerSpec,
  opts: {
    hostname: string;
    address: string;
    /** sh lines that make sshd listen on the address (default: ssh.service's drop-in) */
    listen?: (address: string) => string[];
  },
): SetupPlan {
  const lines: string[] = ['set -e', `export PATH=/usr/sbin:/usr/bin:/sbin:/bin`];
  const payloads: Buffer[] = [];
  const passwords: string[] = [];
  const payload = (data: string | Buffer) => {
    payloads.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
    return `${SETUP_DIR}/files/${payloads.length - 1}`;
  };

  lines.push(GETTY_WITHOUT_START_LIMIT);
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
    lines.push(`chpasswd < ${payload(`${passwords.join('\n')}\n`)}`);
  }

  lines.push(...fileLines(spec.files ?? [], payload));

  lines.push(...(spec.commands ?? []));

  lines.push(...(opts.listen?.(opts.address) ?? sshServiceListen(opts.address)));
  return { script: `${lines.join('\n')}\n`, payloads };
}

function sshServiceListen(address: string): string[] {
  return [
    'mkdir -p /etc/systemd/system/ssh.service.d',
    `cat > /etc/systemd/system/ssh.service.d/lab-listen.conf <<'EOF'`,
    '[Service]',
    'ExecStart=',
    `ExecStart=/usr/sbin/sshd -D -o ListenAddress=${address} $SSHD_OPTS`,
    'EOF',
  ];
}

/**
 * The spec's files as sh lines (directories, symlinks, contents from payload files, owner, mode);
 * `payload` stores a content and returns the path it will have on the server.
 */
export function fileLines(
  files: NonNullable<ServerSpec['files']>,
  payload: (data: string | Buffer) => string,
): string[] {
  const lines: string[] = [];
  for (const file of files) {
    const path = sq(file.path);
    lines.push(`mkdir -p "$(dirname ${path})"`);
    if (file.symlinkTo !== undefined) {
      lines.push(`ln -sfn ${sq(file.symlinkTo)} ${path}`);
      continue;
    }
    if (file.content === undefined) lines.push(`mkdir -p ${path}`);
    else lines.push(`cat ${payload(file.content)} > ${path}`);
    if (file.owner) lines.push(`chown ${sq(file.owner)} ${path}`);
    if (file.mode !== undefined) lines.push(`chmod ${file.mode.toString(8)} ${path}`);
  }
  return lines;
}

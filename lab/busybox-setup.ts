import { fileLines, SETUP_DIR, type SetupPlan } from './setup-script.js';
import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

/** Alpine has neither bash nor a sudo group by default: accounts get ash and group wheel. */
const SHELLS: Record<string, string> = { '/bin/bash': '/bin/sh', '/usr/bin/bash': '/bin/sh' };
const GROUPS: Record<string, string> = { sudo: 'wheel' };

/** Replaces field `field` of the line for `name` in a colon file (no shadow-utils on the server). */
function setField(file: string, name: string, field: number, value: string): string {
  return `awk -F: -v OFS=: -v n=${sq(name)} -v v="${value}" '$1==n{$${field}=v}1' ${file} > ${file}.new && cat ${file}.new > ${file} && rm -f ${file}.new`;
}

/**
 * The busybox flavour's counterpart of buildSetup: the same spec (users, passwords, files, commands)
 * applied with busybox tools only, as an Alpine admin would without the shadow package. Passwords are
 * hashed with busybox mkpasswd (SHA-512, which both busybox login and sshd's libcrypt verify).
 */
export function buildBusyboxSetup(spec: ServerSpec, opts: { hostname: string; address: string }): SetupPlan {
  const lines: string[] = ['set -e', 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
  const payloads: Buffer[] = [];
  const payload = (data: string | Buffer) => {
    payloads.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
    return `${SETUP_DIR}/files/${payloads.length - 1}`;
  };
  const setPassword = (name: string, password: string) => {
    lines.push(`h=$(mkpasswd -m sha512 -P 0 < ${payload(password)})`);
    lines.push(setField('/etc/shadow', name, 2, '$h'));
  };

  lines.push(`echo ${sq(opts.hostname)} > /etc/hostname`);
  lines.push(`printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t%s\\n' ${sq(opts.hostname)} > /etc/hosts`);

  (spec.users ?? []).forEach((user, i) => {
    const uid = 1000 + i;
    const name = sq(user.name);
    const shell = SHELLS[user.shell ?? '/bin/sh'] ?? user.shell ?? '/bin/sh';
    lines.push(
      `echo ${sq(`${user.name}:x:${uid}:${uid}:${user.name}:/home/${user.name}:${shell}`)} >> /etc/passwd`,
    );
    lines.push(`echo ${sq(`${user.name}:x:${uid}:`)} >> /etc/group`);
    lines.push(`echo ${sq(`${user.name}:!:`)}$(($(date +%s) / 86400))${sq(':0:99999:7:::')} >> /etc/shadow`);
    if (!user.noHome) lines.push(`mkdir -m 755 /home/${name} && chown ${uid}:${uid} /home/${name}`);
    for (const wanted of user.groups ?? []) {
      const group = sq(GROUPS[wanted] ?? wanted);
      lines.push(`grep -q "^"${group}: /etc/group || echo ${group}:x:$((2000 + ${i})): >> /etc/group`);
      lines.push(
        `awk -F: -v OFS=: -v g=${group} -v u=${name} '$1==g{$4=($4==""?u:$4","u)}1' /etc/group > /etc/group.new && cat /etc/group.new > /etc/group && rm -f /etc/group.new`,
      );
    }
    if (user.password !== undefined) setPassword(user.name, user.password);
  });
  const rootPassword = spec.rootPassword === undefined ? 'root' : spec.rootPassword;
  if (rootPassword !== null) setPassword('root', rootPassword);

  lines.push(...fileLines(spec.files ?? [], payload));

  lines.push(...(spec.commands ?? []));
  // Last, so nothing in a scenario can move sshd off its loopback address.
  lines.push(`echo ${sq(`sshd_opts="-o ListenAddress=${opts.address}"`)} > /etc/conf.d/sshd`);
  return { script: `${lines.join('\n')}\n`, payloads };
}

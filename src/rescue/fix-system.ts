import type { StatEntry } from '../diagnose/collection.js';
import type { FixOp } from '../diagnose/findings.js';
import { quote, type TxStep } from './transaction.js';

/**
 * Fixes outside every home: a key file root holds for its users, and the socket sshd is started from.
 * Nothing here runs as a user: each step is root's, guarded as written below.
 */

/** A step on root's files: nothing in a home to back up as its user. */
export interface SystemStep {
  step: TxStep;
  files: string[];
  modes: string[];
  inHome: false;
}

/**
 * A key file or folder outside every home (AuthorizedKeysFile /etc/ssh/keys/%u): changed only from
 * inside its parent, held open (`cd -P`) and checked to be that very path, owned by root and writable
 * by nobody else, so no user can swap the name for a link meanwhile; never a link, never a file with a
 * second hard link (its mode would change the other name too, /etc/shadow say). A folder gets its exact
 * mode without setuid/setgid/sticky (GNU chmod keeps those on folders for a numeric mode).
 */
export function outsideHome(
  st: StatEntry | undefined,
  op: Extract<FixOp, { op: 'chmod' | 'chown' }>,
): SystemStep | undefined {
  const parts = op.path.split('/').slice(1);
  if (!op.path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  if (!st || (st.type !== 'file' && st.type !== 'directory')) return undefined;
  const dir = quote(op.path.slice(0, op.path.lastIndexOf('/')) || '/');
  const n = quote(`./${parts.at(-1)!}`);
  const dirMode = (m: number) => (m & 0o755).toString(8).padStart(3, '0');
  let mode: string;
  let change = '';
  if (op.op === 'chmod') {
    if (!/^[0-7]{3}$/.test(op.mode)) return undefined;
    mode = op.mode;
  } else {
    if (!/^[a-z_][a-z0-9_.-]*$/i.test(op.owner) || !/^[a-z_][a-z0-9_.-]*$/i.test(op.group)) return undefined;
    // A folder handed to root must still let every user through to their own file.
    mode = st.type === 'directory' ? dirMode((st.mode ?? 0o755) | 0o111) : '600';
    change = `chown -h ${quote(op.owner)}:${quote(op.group)} ${n}&&`;
  }
  const kind = st.type === 'directory' ? `[ -d ${n} ]` : `[ -f ${n} ]&&[ "$(stat -c %h ${n})" = 1 ]`;
  const special = st.type === 'directory' ? `chmod a-st ${n}&&` : '';
  const code = [
    `(cd -P ${dir}&&[ "$(pwd -P)" = ${dir} ]&&[ "$(stat -c %u .)" = 0 ]&&[ $((0$(stat -c %a .)&022)) = 0 ]&&[ ! -L ${n} ]&&${kind}||exit 3`,
    `${change}${special}chmod ${mode} ${n}&&[ "$(stat -c %a ${n})" = ${mode} ])`,
  ].join('\n');
  return { step: { name: `${op.op} ${op.path}`, code }, files: [], modes: [op.path], inHome: false };
}

/**
 * A socket unit brought to listen where sshd_config already says (no file changes): the config is
 * checked first; `daemon-reload` reruns the generator that turns Port lines into the socket's
 * ListenStream; the service the socket started is stopped first, because systemd refuses to start a
 * socket whose service still runs, and that service would keep the old port open on the descriptors it
 * inherited (KillMode=process: open sessions stay). Done only when systemd listens on the port.
 */
export function socketRestartStep(unit: string, port: number): TxStep {
  const service = `${unit.replace(/\.socket$/, '')}.service`;
  return {
    name: `restart ${unit} on port ${port}`,
    code: [
      '[ -d /run/sshd ]||mkdir -m 755 /run/sshd',
      `sshd -t&&systemctl daemon-reload&&systemctl stop ${service}&&systemctl restart ${unit}||exit 1`,
      `systemctl show -p Listen ${unit}|grep -qE '[=:]${port} [(]Stream'`,
    ].join('\n'),
  };
}

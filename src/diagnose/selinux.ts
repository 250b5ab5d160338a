import type { Collection } from './collection.js';
import { effAll, passwdOf, type Ctx } from './context.js';
import { finding, type Finding } from './findings.js';

/**
 * SELinux as the collector's `M` section shows it: `getenforce`'s mode, `restorecon -inv` of each
 * user's key chain (home, ~/.ssh, the configured key files — never recursive, so only paths the
 * collector chose can appear), and the `ssh_port_t` line of `semanage port -l`.
 */
export interface SelinuxState {
  mode: 'enforcing' | 'permissive' | 'disabled';
  /** what restorecon would change: the path, its context now and the policy's */
  relabel: { path: string; current: string; expected: string }[];
  /** TCP ports labelled ssh_port_t, as [low, high]; undefined when semanage printed no line */
  sshPorts?: [number, number][];
}

const MODE = /^(Enforcing|Permissive|Disabled)$/;
// libselinux's verbose line: "Would relabel <path> from <context> to <context>" (-n), "Relabeled …" otherwise.
const RELABEL = /^Would relabel (\/.*) from (\S+) to (\S+)$/;
// semanage port -l: type padded to 30, protocol padded to 8, then ports and ranges joined by ", ".
const PORT_LINE = /^ssh_port_t\s+tcp\s+([0-9, -]+)$/;

/** The M section's lines; lines of any other shape (tool warnings) are ignored. */
export function parseSelinux(lines: string[]): SelinuxState | undefined {
  const mode = lines.map((l) => MODE.exec(l.trim())?.[1]).find((m) => m !== undefined);
  if (!mode) return undefined;
  const state: SelinuxState = { mode: mode.toLowerCase() as SelinuxState['mode'], relabel: [] };
  for (const line of lines) {
    const r = RELABEL.exec(line);
    // A folder holding two key files (authorized_keys, authorized_keys2) is asked about twice.
    if (r && !state.relabel.some((x) => x.path === r[1]))
      state.relabel.push({ path: r[1]!, current: r[2]!, expected: r[3]! });
    const p = PORT_LINE.exec(line.trim());
    if (p) {
      state.sshPorts = p[1]!.split(',').map((part) => {
        const [low, high] = part.trim().split('-').map(Number);
        return [low!, high ?? low!];
      });
    }
  }
  return state;
}

/** The type field of a context (`user:role:type:level`). */
export function contextType(context: string): string {
  return context.split(':')[2] ?? context;
}

/** Every path of a user's key chain the collector saw: the key files, their parents, their real paths. */
function keyChain(c: Collection, user: string): Set<string> {
  const paths = new Set<string>();
  for (const file of c.users[user]?.keyFiles ?? []) {
    const report = c.keyFiles[file];
    for (const e of [...(report?.chain ?? []), ...(report?.realChain ?? [])]) paths.add(e.path);
  }
  return paths;
}

/**
 * keys.selinux-context: a path of the key chain whose type is not the policy's — the classic being
 * an authorized_keys moved from /tmp (user_tmp_t) instead of ssh_home_t, which sshd_t may not read.
 * Enforcing: sshd is denied, so it blocks; permissive: only logged, a warning.
 */
export function checkSelinuxContexts(ctx: Ctx, name: string): Finding[] {
  const se = ctx.c.selinux;
  const pw = passwdOf(ctx, name);
  if (!se || se.mode === 'disabled' || !pw) return [];
  const chain = keyChain(ctx.c, name);
  const wrong = se.relabel.filter(
    (r) => chain.has(r.path) && contextType(r.current) !== contextType(r.expected),
  );
  if (wrong.length === 0) return [];
  const enforcing = se.mode === 'enforcing';
  const first = wrong[0]!;
  return [
    finding(
      'keys.selinux-context',
      enforcing ? 'error' : 'warning',
      { op: 'restorecon', user: name, paths: wrong.map((r) => r.path) },
      {
        user: name,
        path: first.path,
        blocking: enforcing,
        params: {
          user: name,
          path: first.path,
          current: contextType(first.current),
          expected: contextType(first.expected),
          count: wrong.length,
        },
      },
    ),
  ];
}

/**
 * daemon.selinux-port: sshd is configured for a TCP port that is not labelled ssh_port_t, so under
 * enforcing SELinux it cannot bind there (it keeps the ports it may bind, or fails to start).
 */
export function checkSelinuxPorts(ctx: Ctx, login: string): Finding[] {
  const se = ctx.c.selinux;
  if (!se || se.mode === 'disabled' || !se.sshPorts) return [];
  const ports = new Set(effAll(ctx.c.users[login], 'port').map(Number).filter(Number.isInteger));
  const labelled = (port: number) => se.sshPorts!.some(([low, high]) => port >= low && port <= high);
  const enforcing = se.mode === 'enforcing';
  return [...ports]
    .filter((port) => !labelled(port))
    .map((port) =>
      finding(
        'daemon.selinux-port',
        enforcing ? 'error' : 'warning',
        { op: 'selinux-port', port },
        {
          // Blocking when it is the customer's port, or (port not given) when sshd may bind none at all.
          blocking:
            enforcing && (ctx.sshPort !== undefined ? ctx.sshPort === port : ![...ports].some(labelled)),
          params: { port, mode: se.mode },
        },
      ),
    );
}

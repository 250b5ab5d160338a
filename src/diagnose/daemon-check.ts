import { UNSATISFIABLE } from './auth-methods.js';
import { eff, type Ctx } from './context.js';
import { downReason, syntaxFailsOnlyOnRuntimeDir } from './daemon-down.js';
import { checkSocket } from './daemon-socket.js';
import { finding, type Finding } from './findings.js';

const LOOPBACK = /^(127\.|::1$|\[::1\])/;

/** Local addresses sshd (or systemd for ssh.socket) listens on, from `ss -ltnp` / `netstat -ltnp`. */
export function listenAddresses(lines: string[]): { address: string; port: number }[] {
  const owned = lines.filter((l) => /"(sshd|systemd)"|\/(sshd|systemd)/.test(l));
  const use = owned.length > 0 ? owned : lines;
  const out: { address: string; port: number }[] = [];
  for (const l of use) {
    if (!/LISTEN/i.test(l)) continue;
    const m = /\s(\S+):(\d+)\s+\S+:[*\d]+/.exec(l);
    if (m) out.push({ address: (m[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(m[2]) });
  }
  return out;
}

export function checkDaemon(ctx: Ctx, loginUser: string): Finding[] {
  const { c } = ctx;
  const out: Finding[] = [];
  const socketUnit = ['ssh.socket', 'sshd.socket'].find((u) => c.units[u] === 'active');
  const serviceUnit = c.units.sshd !== undefined && c.units.ssh === undefined ? 'sshd' : 'ssh';
  const running = c.sshdProcesses > 0 || socketUnit !== undefined;
  if (!running) {
    const down = downReason(c);
    out.push(
      finding(
        'daemon.down',
        'error',
        { op: 'service-start', unit: serviceUnit },
        {
          params: {
            unit: serviceUnit,
            reason: down.reason,
            evidence: down.evidence ?? '-',
            ...(down.port !== undefined ? { port: down.port } : {}),
          },
        },
      ),
    );
  }
  // sshd -t also fails when only /run/sshd is missing: that is no error in the configuration.
  // Unsatisfiable AuthenticationMethods is no syntax error: it has its own finding (auth-methods.ts).
  const unsatisfiable = UNSATISFIABLE.test(c.syntax.output.join('\n'));
  // A running sshd keeps the config it read; a socket with no sshd behind it starts one per
  // connection, which reads the broken config and dies: that locks everyone out as a stopped sshd does.
  const serves = running && !(socketUnit !== undefined && c.sshdProcesses === 0);
  if (c.syntax.rc !== 0 && !syntaxFailsOnlyOnRuntimeDir(c) && !unsatisfiable) {
    const detail = c.syntax.output.join(' ').slice(0, 300);
    const m = /(\/[^\s:]+):? line (\d+)/.exec(detail);
    out.push(
      finding(
        'config.syntax',
        serves ? 'warning' : 'error',
        // Commenting out the one line sshd names is the smallest change that lets it parse; the
        // rescue checks with sshd -t before it reloads, and rolls back if it still does not.
        m ? { op: 'config-comment', path: m[1] ?? '', line: Number(m[2]) } : { op: 'manual' },
        {
          blocking: !serves,
          ...(m ? { path: m[1] ?? '', line: Number(m[2]) } : {}),
          params: { detail, rc: c.syntax.rc },
        },
      ),
    );
  }
  const user = c.users[loginUser];
  // Where the customer connects decides, not where sshd was told to listen (a Port moved in a drop-in).
  const port = ctx.sshPort ?? Number(eff(user, 'port') ?? '22');
  const socket = socketUnit ? c.sockets?.[socketUnit] : undefined;
  if (socketUnit && socket) {
    // systemd holds the port: where it listens decides (sshd's own Port is only what it would ask for).
    out.push(checkSocket(ctx, socketUnit, socket, port, loginUser));
  } else if (socketUnit) {
    out.push(
      finding(
        'daemon.socket-activation',
        'info',
        { op: 'manual' },
        { blocking: false, params: { unit: socketUnit, kind: 'unknown' } },
      ),
    );
  }
  if (running && !socket) {
    const listening = listenAddresses(c.listeners);
    const open = listening.filter((l) => !LOOPBACK.test(l.address) || LOOPBACK.test(ctx.clientAddress));
    const reachable = open.some((l) => l.port === port || socketUnit !== undefined);
    if (!reachable) {
      const where = listening.map((l) => `${l.address}:${l.port}`).join(' ') || '-';
      // Where a client can reach sshd instead (a Port moved in a drop-in): the verification goes there.
      const elsewhere = open.find((l) => l.port !== port);
      out.push(
        finding(
          'daemon.listen',
          'error',
          { op: 'manual' },
          {
            params: {
              port,
              where,
              ...(elsewhere ? { listenPort: elsewhere.port, address: elsewhere.address } : {}),
            },
          },
        ),
      );
    }
  }
  const fw = firewallBlocks(c.firewall, port);
  if (fw)
    out.push(
      finding(
        'net.firewall',
        fw.explicit ? 'error' : 'warning',
        { op: 'firewall-allow', port },
        { blocking: fw.explicit, params: { port, rule: fw.rule } },
      ),
    );
  return out;
}

/** An explicit drop/reject of the port, or an input policy of drop with no accept for the port. */
function firewallBlocks(lines: string[], port: number): { explicit: boolean; rule: string } | undefined {
  const mentionsPort = (l: string) =>
    new RegExp(`dport (\\{[^}]*\\b${port}\\b[^}]*\\}|${port}\\b)|--dports? (\\S*,)?${port}\\b`).test(l);
  const explicit = lines.find((l) => mentionsPort(l) && /\b(drop|reject|DROP|REJECT)\b/.test(l));
  if (explicit) return { explicit: true, rule: explicit.trim() };
  const accept = lines.some((l) => mentionsPort(l) && /\b(accept|ACCEPT)\b/.test(l));
  const policy = lines.find((l) => /^-P INPUT (DROP|REJECT)/.test(l) || /hook input .*policy drop/.test(l));
  if (policy && !accept) return { explicit: false, rule: policy.trim() };
  return undefined;
}

import type { SocketUnitReport } from './collection.js';
import { effAll, type Ctx } from './context.js';
import { finding, type Finding } from './findings.js';

/** `127.0.1.5:2222`, `[::]:22` or a bare `2222` (every address), as `systemctl show -p Listen` prints it. */
export function socketPort(listen: string): { address: string; port: number } | undefined {
  const m = /^(?:(.*):)?(\d+)$/.exec(listen);
  if (!m) return undefined;
  return { address: (m[1] ?? '*').replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

const LOOPBACK = /^(127\.|::1$)/;

/** Where systemd listens for the socket unit, reachable from the client's address. */
function reachable(socket: SocketUnitReport, clientAddress: string): { address: string; port: number }[] {
  return socket.listen
    .map(socketPort)
    .filter((l): l is { address: string; port: number } => l !== undefined)
    .filter((l) => !LOOPBACK.test(l.address) || LOOPBACK.test(clientAddress));
}

/**
 * sshd started by a socket unit (Ubuntu 22.10+, or a Debian admin's choice): systemd, not sshd, holds
 * the port. A Port change in sshd_config reaches the socket only through a generator, after
 * `systemctl daemon-reload` and a restart of the socket; an admin's own drop-in in /etc pins it. So
 * the classic lockout: sshd_config (and the customer) say 2222, the socket still listens on 22 — or
 * the reverse. A socket that does not listen where the customer connects is the blocking cause here
 * (not daemon.listen), named with both ports; it is repaired by that reload and restart when the
 * configuration already asks for the customer's port and no drop-in of the admin pins another one.
 */
export function checkSocket(
  ctx: Ctx,
  unit: string,
  socket: SocketUnitReport,
  port: number,
  user?: string,
): Finding {
  const listening = socket.listen.join(' ') || '-';
  const dropIns = socket.dropIns.join(' ') || '-';
  const configured = [...new Set(effAll(ctx.c.users[user ?? ''], 'port'))].join(' ') || '22';
  const base = { unit, port, listening, configured, dropIns };
  const open = reachable(socket, ctx.clientAddress);
  if (open.some((l) => l.port === port)) {
    return finding(
      'daemon.socket-activation',
      'info',
      { op: 'manual' },
      {
        blocking: false,
        params: { ...base, kind: 'listening' },
      },
    );
  }
  // A drop-in under /etc is the admin's own ListenStream: a reload would keep it, so a human decides.
  const pinned = socket.dropIns.find((p) => p.startsWith('/etc/'));
  const asked = configured.split(' ').includes(String(port));
  if (asked && !pinned) {
    return finding(
      'daemon.socket-activation',
      'error',
      { op: 'socket-restart', unit, port },
      { params: { ...base, kind: 'stale' } },
    );
  }
  // Where a client reaches sshd through the socket instead: the verification goes there (as with
  // daemon.listen), and the report tells the customer to connect there.
  const other = open[0];
  return finding(
    'daemon.socket-activation',
    'error',
    { op: 'manual' },
    {
      ...(pinned ? { path: pinned } : {}),
      params: {
        ...base,
        kind: pinned ? 'pinned' : 'elsewhere',
        ...(pinned ? { path: pinned } : {}),
        ...(other ? { listenPort: other.port, address: other.address } : {}),
      },
    },
  );
}

import type { HttpClient } from '../http.js';
import { isRescueError } from '../../src/errors/rescue-error.js';

/**
 * Whether termproxy on this node accepts an API token. termproxy checks the console ticket by
 * calling back into the API: before qemu-server 9.1.7 (changelog 2026-04-21) it calls
 * /access/ticket with the token id as user name, which refuses it; from 9.1.7 on it calls the
 * token-capable /access/vncticket (pve-access-control 9.0.4, termproxy 2.0.3). Source:
 * pve-xtermjs termproxy/src/main.rs, pve-access-control API2/AccessControl.pm, qemu-server
 * debian/changelog (read for facts only).
 */
export const TOKEN_TERMPROXY_SINCE = [9, 1, 7] as const;

export type TokenTermproxy = { verdict: 'yes' | 'no'; version: string } | { verdict: 'unknown' };

interface AptPackage {
  Package?: string;
  OldVersion?: string;
  CurrentState?: string;
}

/**
 * Reads the node's installed qemu-server (GET nodes/{node}/apt/versions: `OldVersion` is the
 * installed version when `CurrentState` is `Installed`). Needs Sys.Audit; without it the answer is
 * unknown and the console is tried anyway.
 */
export async function tokenTermproxy(http: HttpClient, node: string): Promise<TokenTermproxy> {
  let packages: AptPackage[];
  try {
    const res = await http.get<{ data: AptPackage[] }>(`nodes/${encodeURIComponent(node)}/apt/versions`, {
      operation: 'read package versions',
    });
    packages = Array.isArray(res.data?.data) ? res.data.data : [];
  } catch (err) {
    if (isRescueError(err) && ['auth.forbidden', 'provider.api'].includes(err.code))
      return { verdict: 'unknown' };
    throw err;
  }
  const pkg = packages.find((p) => p.Package === 'qemu-server');
  const version = pkg?.CurrentState === 'Installed' ? pkg.OldVersion : undefined;
  const parts = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!version || !parts) return { verdict: 'unknown' };
  const found = [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)];
  for (let i = 0; i < 3; i++) {
    if (found[i]! !== TOKEN_TERMPROXY_SINCE[i]) {
      return { verdict: found[i]! > TOKEN_TERMPROXY_SINCE[i]! ? 'yes' : 'no', version };
    }
  }
  return { verdict: 'yes', version };
}

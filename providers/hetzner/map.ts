import type { ServerRef, ServerStatus } from '../types.js';

/** The parts of Hetzner's server object we use (GET /v1/servers). */
export interface HcloudServer {
  id: number;
  name: string;
  status: string;
  rescue_enabled?: boolean;
  labels?: Record<string, string>;
  public_net?: {
    ipv4?: { ip: string } | null;
    ipv6?: { ip: string } | null;
  };
  private_net?: { ip: string }[];
  /** Since 2026-07 the server carries its location at the top level (hcloud-go 0922bba, 298cccc). */
  location?: { name: string } | null;
  /** Removed from the API after 2026-07-01; still read when an older endpoint sends it. */
  datacenter?: { name: string; location?: { name: string } } | null;
}

export interface HcloudAction {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  error?: { code: string; message: string } | null;
}

const STATUS: Record<string, ServerStatus> = {
  running: 'running',
  off: 'stopped',
  initializing: 'provisioning',
  starting: 'starting',
  stopping: 'stopping',
  rebuilding: 'provisioning',
  migrating: 'provisioning',
  deleting: 'stopping',
};

export function toServerRef(server: HcloudServer): ServerRef {
  const ipv4 = server.public_net?.ipv4?.ip;
  const ipv6 = server.public_net?.ipv6?.ip;
  return {
    provider: 'hetzner',
    id: String(server.id),
    name: server.name,
    status: STATUS[server.status] ?? 'unknown',
    vendorStatus: server.status,
    addresses: {
      ipv4: [...(ipv4 ? [ipv4] : []), ...(server.private_net ?? []).map((n) => n.ip)],
      // Hetzner reports the routed /64, not one address.
      ipv6: ipv6 ? [ipv6] : [],
    },
    ...locationOf(server),
    vendor: {
      rescueEnabled: server.rescue_enabled ?? false,
      // Private-network addresses sit in addresses.ipv4 too; the rescue system is reached only publicly.
      ...(ipv4 ? { publicIpv4: ipv4 } : {}),
      ...(ipv6 ? { publicIpv6Net: ipv6 } : {}),
    },
  };
}

function locationOf(server: HcloudServer): { location?: string } {
  const name = server.location?.name ?? server.datacenter?.location?.name ?? server.datacenter?.name;
  return name ? { location: name } : {};
}

/**
 * Where the server answers from outside: its public IPv4, else the first address of its IPv6 /64
 * (`<prefix>::1`, the address Hetzner configures and `hcloud server ip --ipv6` prints). Undefined
 * when the server has neither (private network only).
 */
export function publicHost(server: Pick<ServerRef, 'vendor'>): string | undefined {
  const ipv4 = server.vendor?.publicIpv4;
  if (typeof ipv4 === 'string' && ipv4) return ipv4;
  const net = server.vendor?.publicIpv6Net;
  if (typeof net !== 'string' || !net) return undefined;
  const prefix = expandIpv6(net.split('/')[0] ?? '');
  if (prefix === undefined) return undefined;
  return formatIpv6(prefix | 1n);
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

/** True if `ip` is the server's IPv4 (public or private) or inside its IPv6 /64. */
export function hasAddress(server: HcloudServer, ip: string): boolean {
  if (server.public_net?.ipv4?.ip === ip) return true;
  if ((server.private_net ?? []).some((n) => n.ip === ip)) return true;
  const net = server.public_net?.ipv6?.ip;
  if (net && ip.includes(':')) return ipv6InPrefix(ip, net);
  return false;
}

function expandIpv6(address: string): bigint | undefined {
  const [head = '', tail] = address.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const h = parts(head);
  const tl = tail === undefined ? [] : parts(tail);
  const fill = tail === undefined ? 0 : 8 - h.length - tl.length;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...tl];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function ipv6InPrefix(ip: string, cidr: string): boolean {
  const [net = '', bitsText = '128'] = cidr.split('/');
  const bits = BigInt(Number(bitsText));
  const a = expandIpv6(ip);
  const b = expandIpv6(net);
  if (a === undefined || b === undefined) return false;
  const shift = 128n - bits;
  return a >> shift === b >> shift;
}

import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { baseUrl, envSecret, envValue } from '../credentials.js';
import { consoleUnavailable, missingCredentials, notFound, pickOne, unsupported } from '../errors.js';
import { HttpClient } from '../http.js';
import type {
  Capability,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  ServerRef,
  ServerStatus,
} from '../types.js';
import { sakuraCloud } from './provider.js';

/**
 * Sakura Cloud: one API per zone, HTTP Basic token:secret. No serial console; VNC is plain RFB over
 * TCP (not a websocket) through the zone's VNC proxy.
 */
const ID = 'sakura-cloud';
export const SAKURA_API = 'https://secure.sakura.ad.jp/cloud/zone';
/**
 * Production zones, searched in order when SAKURACLOUD_ZONE is not set (tk1v is the sandbox).
 * As in iaas-api-go types/zone.go (e73eb3b): is1c (Ishikari 3) joined in 2025.
 */
export const ZONES = ['is1a', 'is1b', 'is1c', 'tk1a', 'tk1b'];
const PAGE = 100;
interface VncProxyInfo {
  Status?: string;
  Host?: string;
  IOServerHost?: string;
  Port?: string | number;
  Password?: string;
}
type VncProxyAnswer = VncProxyInfo & { VNCProxyInfo?: VncProxyInfo };

interface SakuraServer {
  ID: string;
  Name: string;
  Instance?: { Status?: string };
  Interfaces?: { IPAddress?: string | null; UserIPAddress?: string | null }[];
  Zone?: { Name: string };
}

const STATUS: Record<string, ServerStatus> = {
  up: 'running',
  down: 'stopped',
  cleaning: 'stopping',
  migrating: 'provisioning',
};

export class SakuraCloudAdapter implements ProviderAdapter {
  readonly id = ID;
  readonly capabilities: readonly Capability[] = sakuraCloud.capabilities;

  constructor(
    private readonly clients: Map<string, HttpClient>,
    private readonly ctx: ProviderContext,
  ) {}

  private zone(zone: string | undefined): HttpClient {
    const client = zone ? this.clients.get(zone) : undefined;
    if (!client) throw notFound(ID, `zone=${zone ?? '-'}`);
    return client;
  }

  async findServer(query: FindQuery): Promise<ServerRef> {
    const found: ServerRef[] = [];
    for (const [zone, http] of this.clients) {
      if ('id' in query) {
        try {
          const res = await http.get<{ Server: SakuraServer }>(`server/${encodeURIComponent(query.id)}`, {
            operation: 'get server',
            notFound: () => notFound(ID, query),
          });
          return toRef(res.data.Server, zone);
        } catch (err) {
          if ((err as { code?: string }).code === 'provider.not-found') continue;
          throw err;
        }
      }
      // The list API pages with From/Count; names and addresses are matched here.
      for (let from = 0, total = 1; from < total; from += PAGE) {
        const res = await http.get<{ Total: number; Servers: SakuraServer[] }>(listPath(from), {
          operation: 'list servers',
        });
        total = res.data.Total;
        for (const server of res.data.Servers) {
          const ref = toRef(server, zone);
          const hit = 'name' in query ? ref.name === query.name : ref.addresses.ipv4.includes(query.ip);
          if (hit) found.push(ref);
        }
        if (res.data.Servers.length === 0) break;
      }
    }
    return pickOne(ID, query, found);
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind === 'serial') throw unsupported(this.ctx.lang, ID, 'serialConsole', this.capabilities);
    const res = await this.zone(server.location).get<VncProxyAnswer>(`server/${server.id}/vnc/proxy`, {
      operation: 'open the VNC console',
    });
    // The SDKs know the info both at the top level and under VNCProxyInfo; the port as text or number.
    const info = res.data.VNCProxyInfo ?? res.data;
    const host = info.Host === 'localhost' || !info.Host ? info.IOServerHost : info.Host;
    const port = Number(info.Port);
    if (!host || !Number.isInteger(port) || port <= 0 || !info.Password) {
      throw consoleUnavailable('vnc', server, t(this.ctx.lang, 'providers.hint.sakura-vnc'));
    }
    registerSecret(info.Password);
    // Plain RFB over TCP: the VNC transport takes it as a vnc:// URL.
    return {
      kind: 'vnc-ws',
      url: `vnc://${host.includes(':') ? `[${host}]` : host}:${port}`,
      password: info.Password,
    };
  }
}

/** GET parameters go in the query string as one JSON object (`server?{"From":0,"Count":100}`), not as key=value pairs. */
function listPath(from: number): string {
  return `server?${encodeURIComponent(JSON.stringify({ From: from, Count: PAGE }))}`;
}

function toRef(server: SakuraServer, zone: string): ServerRef {
  const status = server.Instance?.Status ?? 'unknown';
  const ips = (server.Interfaces ?? [])
    .flatMap((i) => [i.IPAddress, i.UserIPAddress])
    .filter((ip): ip is string => !!ip);
  return {
    provider: ID,
    id: server.ID,
    name: server.Name,
    status: STATUS[status] ?? 'unknown',
    vendorStatus: status,
    addresses: { ipv4: ips, ipv6: [] },
    location: server.Zone?.Name ?? zone,
  };
}

export function createAdapter(ctx: ProviderContext): ProviderAdapter {
  const token = envSecret(ctx.env, 'SAKURACLOUD_ACCESS_TOKEN');
  const secret = envSecret(ctx.env, 'SAKURACLOUD_ACCESS_TOKEN_SECRET');
  if (!token || !secret) {
    throw missingCredentials(ID, sakuraCloud.credentialHelp);
  }
  registerSecret(Buffer.from(`${token}:${secret}`).toString('base64'));
  const zone = envValue(ctx.env, 'SAKURACLOUD_ZONE');
  const root = baseUrl(ctx, SAKURA_API);
  const clients = new Map<string, HttpClient>();
  for (const z of zone ? [zone] : ZONES) {
    clients.set(
      z,
      new HttpClient({
        provider: ID,
        baseURL: `${root}/${z}/api/cloud/1.1`,
        auth: { username: token, password: secret },
        ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
        ...(ctx.retry ? { retry: ctx.retry } : {}),
      }),
    );
  }
  return new SakuraCloudAdapter(clients, ctx);
}

import { randomBytes } from 'node:crypto';
import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { baseUrl, envSecret, envValue, pollUntil } from '../credentials.js';
import {
  consoleUnavailable,
  missingCredentials,
  notFound,
  pickOne,
  precondition,
  requireRootUser,
  unsupported,
} from '../errors.js';
import { HttpClient } from '../http.js';
import type {
  Capability,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  ResetPasswordRequest,
  ResetPasswordResult,
  ServerRef,
  ServerStatus,
} from '../types.js';
import { sakuraCloud } from './provider.js';

/**
 * Sakura Cloud: one API per zone, HTTP Basic token:secret. No serial console; VNC is plain RFB over
 * TCP (not a websocket) through the zone's VNC proxy; besides, the keyboard API and editing the
 * system disk (root password) while the server is stopped.
 */
const ID = 'sakura-cloud';
export const SAKURA_API = 'https://secure.sakura.ad.jp/cloud/zone';
/**
 * Production zones, searched in order when SAKURACLOUD_ZONE is not set (tk1v is the sandbox).
 * As in iaas-api-go types/zone.go (e73eb3b): is1c (Ishikari 3) joined in 2025.
 */
export const ZONES = ['is1a', 'is1b', 'is1c', 'tk1a', 'tk1b'];
const PAGE = 100;
/** A disk edit runs after the PUT returns; the vendor's SDK waits for the disk to be available again. */
const DISK_EDIT_POLLS = 90;
/**
 * Disk states the SDK keeps waiting through; anything else but `available` (e.g. `failed`) ends the
 * wait. Spelt as the API spells them (iaas-api-go types/availability.go, e73eb3b): "transfering"
 * with one r, and "unknown" is the empty string. A missing field counts as unknown too.
 */
const DISK_PENDING = ['', 'migrating', 'uploading', 'transfering', 'discontinued'];

interface SakuraDisk {
  Availability?: string;
  JobStatus?: { ConfigError?: { ErrorCode?: string; ErrorMsg?: string } | null } | null;
}

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
  Disks?: { ID: string }[];
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
  /** resetPassword (disk edit) and sendKeys (keyboard API) are implemented but no way in uses them yet. */
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

  async sendKeys(server: ServerRef, keys: string[]): Promise<void> {
    await this.zone(server.location).put(`server/${server.id}/keyboard`, {
      operation: 'send keys',
      data: { Keys: keys },
    });
  }

  /** Disk edit: writes the root password into the stopped server's system disk. */
  async resetPassword(server: ServerRef, request: ResetPasswordRequest): Promise<ResetPasswordResult> {
    const lang = this.ctx.lang;
    const operation = 'edit disk';
    requireRootUser(ID, operation, request.user, lang);
    if (server.status !== 'stopped')
      throw precondition(ID, operation, t(lang, 'providers.hint.sakura-stopped'));
    const diskId = server.vendor?.systemDiskId;
    if (diskId === undefined) throw precondition(ID, operation, t(lang, 'providers.hint.sakura-no-disk'));
    const password = request.password ?? randomBytes(18).toString('base64url');
    registerSecret(password);
    const http = this.zone(server.location);
    await http.put(`disk/${diskId}/config`, { operation, data: { Password: password } });
    await this.waitDiskEdited(http, String(diskId), operation);
    const notes = [t(lang, 'providers.note.sakura-disk-edit')];
    return { user: 'root', password, generated: request.password === undefined, notes };
  }

  /** Booting before the edit has finished would start the server on a disk still being written. */
  private async waitDiskEdited(http: HttpClient, diskId: string, operation: string): Promise<void> {
    const disk = await pollUntil(this.ctx, DISK_EDIT_POLLS, async () => {
      const res = await http.get<{ Disk: SakuraDisk }>(`disk/${diskId}`, { operation });
      const state = res.data.Disk.Availability ?? '';
      return DISK_PENDING.includes(state) ? undefined : res.data.Disk;
    });
    if (!disk) throw new RescueError('provider.timeout', { provider: ID, operation, seconds: '?' });
    if (disk.Availability === 'available') return;
    const job = disk.JobStatus?.ConfigError;
    const detail = job ? `: ${job.ErrorCode ?? ''} ${job.ErrorMsg ?? ''}`.trimEnd() : '';
    throw new RescueError('provider.api', {
      provider: ID,
      status: `disk ${disk.Availability ?? '?'}`,
      operation,
      detail,
    });
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
  const disk = server.Disks?.[0]?.ID;
  return {
    provider: ID,
    id: server.ID,
    name: server.Name,
    status: STATUS[status] ?? 'unknown',
    vendorStatus: status,
    addresses: { ipv4: ips, ipv6: [] },
    location: server.Zone?.Name ?? zone,
    vendor: disk ? { systemDiskId: disk } : {},
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

import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { isRescueError, type RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { consoleUnavailable, notFound, pickOne } from '../errors.js';
import type { HttpClient } from '../http.js';
import type {
  Capability,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  ServerRef,
  ServerStatus,
} from '../types.js';

/** The parts of a Nova server we use (GET /servers/detail). */
export interface NovaServer {
  id: string;
  name: string;
  status: string;
  addresses?: Record<string, { addr: string; version: number }[]>;
  'OS-EXT-AZ:availability_zone'?: string;
  metadata?: Record<string, string>;
}

const STATUS: Record<string, ServerStatus> = {
  ACTIVE: 'running',
  SHUTOFF: 'stopped',
  STOPPED: 'stopped',
  BUILD: 'provisioning',
  REBUILD: 'provisioning',
  RESIZE: 'provisioning',
  VERIFY_RESIZE: 'provisioning',
  REVERT_RESIZE: 'provisioning',
  MIGRATING: 'provisioning',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  RESCUE: 'rescue',
  ERROR: 'error',
  PAUSED: 'suspended',
  SUSPENDED: 'suspended',
  SHELVED: 'suspended',
  SHELVED_OFFLOADED: 'suspended',
  SOFT_DELETED: 'stopped',
  DELETED: 'stopped',
};

/** Which console API to use: 2.6 remote-consoles, the pre-2.6 server actions, or try the first then the second. */
export type ConsoleApi = 'remote-consoles' | 'legacy' | 'auto';

export interface NovaOptions {
  id: string;
  consoleApi: ConsoleApi;
  /** ConoHa keeps the display name in metadata.instance_name_tag; `name` is generated. */
  nameTag?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class NovaAdapter implements ProviderAdapter {
  readonly capabilities: readonly Capability[] = ['serialConsole', 'vncConsole'];

  constructor(
    private readonly compute: HttpClient,
    private readonly ctx: ProviderContext,
    private readonly options: NovaOptions,
  ) {}

  get id(): string {
    return this.options.id;
  }

  toServerRef(server: NovaServer): ServerRef {
    const all = Object.values(server.addresses ?? {}).flat();
    const tag = this.options.nameTag ? server.metadata?.[this.options.nameTag] : undefined;
    return {
      provider: this.id,
      id: server.id,
      name: tag ?? server.name,
      status: STATUS[server.status] ?? 'unknown',
      vendorStatus: server.status,
      addresses: {
        ipv4: all.filter((a) => a.version === 4).map((a) => a.addr),
        ipv6: all.filter((a) => a.version === 6).map((a) => a.addr),
      },
      ...(server['OS-EXT-AZ:availability_zone'] ? { location: server['OS-EXT-AZ:availability_zone'] } : {}),
      vendor: { novaName: server.name },
    };
  }

  async findServer(query: FindQuery): Promise<ServerRef> {
    if ('id' in query) {
      const res = await this.compute.get<{ server: NovaServer }>(`servers/${encodeURIComponent(query.id)}`, {
        operation: 'get server',
        notFound: () => notFound(this.id, query),
      });
      return this.toServerRef(res.data.server);
    }
    if ('ip' in query) {
      const v6 = query.ip.includes(':');
      // Nova filters are regular expressions: anchor and escape to get an exact match.
      const servers = await this.list(
        { [v6 ? 'ip6' : 'ip']: `^${escapeRegex(query.ip)}$` },
        v6 ? { 'OpenStack-API-Version': 'compute 2.5', 'X-OpenStack-Nova-API-Version': '2.5' } : {},
      );
      const refs = servers.map((s) => this.toServerRef(s));
      return pickOne(
        this.id,
        query,
        refs.filter((r) => [...r.addresses.ipv4, ...r.addresses.ipv6].includes(query.ip)),
      );
    }
    // A name tag lives in metadata, which Nova cannot filter on: list all and match here.
    const servers = await this.list(this.options.nameTag ? {} : { name: `^${escapeRegex(query.name)}$` });
    const refs = servers.map((s) => this.toServerRef(s));
    return pickOne(
      this.id,
      query,
      refs.filter((r) => r.name === query.name || r.vendor?.novaName === query.name),
    );
  }

  /** GET /servers/detail, following `servers_links` rel=next (markers) until the last page. */
  private async list(
    filter: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<NovaServer[]> {
    const all: NovaServer[] = [];
    let marker: string | undefined;
    do {
      const res: { data: { servers: NovaServer[]; servers_links?: { rel: string; href: string }[] } } =
        await this.compute.get('servers/detail', {
          operation: 'list servers',
          query: { ...filter, ...(marker ? { marker } : {}) },
          headers,
        });
      all.push(...res.data.servers);
      const next = res.data.servers_links?.find((l) => l.rel === 'next')?.href;
      marker = next ? (new URL(next).searchParams.get('marker') ?? undefined) : undefined;
    } while (marker);
    return all;
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    const operation = kind === 'serial' ? 'get serial console' : 'get VNC console';
    let url: string;
    try {
      url =
        this.options.consoleApi === 'legacy'
          ? await this.legacyConsole(server, kind)
          : await this.remoteConsole(server, kind).catch((err: unknown) => {
              // 404: no remote-consoles resource; 406: microversion 2.6 not offered. Both mean "older Nova".
              if (this.options.consoleApi === 'auto' && isRescueError(err) && isOldNova(err)) {
                return this.legacyConsole(server, kind);
              }
              throw err;
            });
    } catch (err) {
      throw this.unavailable(err, server, kind, operation);
    }
    return toEndpoint(url, kind);
  }

  private async remoteConsole(server: ServerRef, kind: ConsoleKind): Promise<string> {
    const remote =
      kind === 'serial' ? { protocol: 'serial', type: 'serial' } : { protocol: 'vnc', type: 'novnc' };
    const res = await this.compute.post<{ remote_console: { url: string } }>(
      `servers/${server.id}/remote-consoles`,
      {
        operation: kind === 'serial' ? 'get serial console' : 'get VNC console',
        data: { remote_console: remote },
        headers: { 'OpenStack-API-Version': 'compute 2.6', 'X-OpenStack-Nova-API-Version': '2.6' },
      },
    );
    return res.data.remote_console.url;
  }

  private async legacyConsole(server: ServerRef, kind: ConsoleKind): Promise<string> {
    const action =
      kind === 'serial'
        ? { 'os-getSerialConsole': { type: 'serial' } }
        : { 'os-getVNCConsole': { type: 'novnc' } };
    const res = await this.compute.post<{ console: { url: string } }>(`servers/${server.id}/action`, {
      operation: kind === 'serial' ? 'get serial console' : 'get VNC console',
      data: action,
    });
    return res.data.console.url;
  }

  /** Nova answers 400 "Unavailable console type" / 501 "not implemented" when consoles are off. */
  private unavailable(err: unknown, server: ServerRef, kind: ConsoleKind, operation: string): unknown {
    if (!isRescueError(err) || err.code !== 'provider.api') return err;
    const status = Number(err.params.status);
    if (status !== 400 && status !== 501) return err;
    const vendor = String(err.params.detail ?? '').replace(/^: /, '');
    const ours = kind === 'serial' ? t(this.ctx.lang, 'providers.hint.openstack-serial') : operation;
    return consoleUnavailable(kind, server, vendor ? `${vendor} (${ours})` : ours);
  }
}

function isOldNova(err: RescueError): boolean {
  const status = Number(err.params.status);
  return err.code === 'provider.not-found' || status === 404 || status === 406;
}

/** The websocket to connect to: serial URLs are already ws(s); noVNC page URLs carry the token in `path`. */
export function toEndpoint(url: string, kind: ConsoleKind): ConsoleEndpoint {
  const parsed = new URL(url);
  const token =
    parsed.searchParams.get('token') ??
    new URLSearchParams(parsed.searchParams.get('path')?.replace(/^[^?]*\?/, '') ?? '').get('token');
  registerSecret(token);
  if (kind === 'serial') return { kind: 'serial-ws', url };
  const ws = new URL(parsed.origin.replace(/^http/, 'ws'));
  ws.searchParams.set('token', token ?? '');
  return { kind: 'vnc-ws', url: ws.toString() };
}

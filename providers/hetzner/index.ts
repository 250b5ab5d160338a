import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { t } from '../../src/i18n/index.js';
import { isRescueError, RescueError } from '../../src/errors/rescue-error.js';
import { registerSecret } from '../../src/secrets.js';
import { baseUrl, envSecret, pollUntil, sleep } from '../credentials.js';
import { missingCredentials, notFound, pickOne, precondition, unsupported } from '../errors.js';
import { HttpClient } from '../http.js';
import type {
  Capability,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RescueAccess,
  RescueBootOptions,
  ServerRef,
} from '../types.js';
import { hasAddress, publicHost, toServerRef, type HcloudAction, type HcloudServer } from './map.js';
import { hetzner } from './provider.js';

export const HETZNER_API = 'https://api.hetzner.cloud/v1';
const ID = 'hetzner';
const PER_PAGE = 50;
/** Actions like reset finish in seconds; enable_rescue may take longer. */
const ACTION_POLLS = 60;
/** Tries at leaving the rescue system before the rescue reports the server still in rescue. */
const LEAVE_TRIES = 4;

interface ServerList {
  servers: HcloudServer[];
  meta?: { pagination?: { next_page: number | null } };
}

export class HetznerAdapter implements ProviderAdapter {
  readonly id = ID;
  readonly capabilities: readonly Capability[] = hetzner.capabilities;

  constructor(
    private readonly http: HttpClient,
    private readonly ctx: ProviderContext,
  ) {}

  async findServer(query: FindQuery): Promise<ServerRef> {
    if ('id' in query) {
      const res = await this.http.get<{ server: HcloudServer }>(`servers/${encodeURIComponent(query.id)}`, {
        operation: 'get server',
        notFound: () => notFound(ID, query),
      });
      return toServerRef(res.data.server);
    }
    // Hetzner filters by exact name or label selector; there is no IP filter, so IPs are matched here.
    const filter: Record<string, string> =
      'name' in query
        ? query.name.includes('=')
          ? { label_selector: query.name }
          : { name: query.name }
        : {};
    const servers = await this.listServers(filter);
    const matches = 'ip' in query ? servers.filter((s) => hasAddress(s, query.ip)) : servers;
    return pickOne(ID, query, matches.map(toServerRef));
  }

  private async listServers(filter: Record<string, string>): Promise<HcloudServer[]> {
    const all: HcloudServer[] = [];
    for (let page: number | null = 1; page !== null;) {
      const res: { data: ServerList } = await this.http.get<ServerList>('servers', {
        operation: 'list servers',
        query: { ...filter, page, per_page: PER_PAGE },
      });
      all.push(...res.data.servers);
      page = res.data.meta?.pagination?.next_page ?? null;
    }
    return all;
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind !== 'vnc') throw unsupported(this.ctx.lang, ID, 'serialConsole', this.capabilities);
    const res = await this.http.post<{ action: HcloudAction; wss_url: string; password: string }>(
      `servers/${server.id}/actions/request_console`,
      { operation: 'request console' },
    );
    const { wss_url: url, password } = res.data;
    registerSecret(password);
    registerSecret(new URL(url).searchParams.get('token'));
    // The URL is valid for one minute, so it is handed over straight away instead of awaiting the action.
    return { kind: 'vnc-ws', url, password };
  }

  async rescueBoot(server: ServerRef, options: RescueBootOptions = {}): Promise<RescueAccess> {
    // Checked first: a server reachable only on a private network would be reset for nothing.
    const host = publicHost(server);
    if (!host)
      throw precondition(ID, 'enable rescue', t(this.ctx.lang, 'providers.hint.hetzner-no-public-ip'));
    const sshKeys = (options.sshKeys ?? []).filter((k) => /^\d+$/.test(k)).map(Number);
    const enabled = await this.http.post<{ action: HcloudAction; root_password: string | null }>(
      `servers/${server.id}/actions/enable_rescue`,
      {
        operation: 'enable rescue',
        data: { type: 'linux64', ...(sshKeys.length ? { ssh_keys: sshKeys } : {}) },
      },
    );
    const password = enabled.data.root_password ?? undefined;
    registerSecret(password);
    await this.waitAction(enabled.data.action, 'enable rescue');
    await this.reset(server);
    return {
      ssh: { host, port: 22, username: 'root', ...(password ? { password } : {}) },
      notes: [t(this.ctx.lang, 'providers.hint.hetzner-rescue', { host })],
    };
  }

  /**
   * Leaves the rescue system, tried again until the server confirms it: disable_rescue (harmless
   * when rescue mode already switched itself off at the rescue boot), a reset that succeeded, and
   * rescue mode read back off from the server object. A server left in rescue mode boots the
   * vendor's system at the next reset, so one failed call must not end the attempt; the last error
   * is thrown only when every try failed (the rescue then says the server is still in rescue).
   */
  async exitRescue(server: ServerRef): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < LEAVE_TRIES; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.ctx.pollIntervalMs ?? 2000, 2000) * attempt);
      try {
        const res = await this.http.post<{ action: HcloudAction }>(
          `servers/${server.id}/actions/disable_rescue`,
          { operation: 'disable rescue', idempotent: true },
        );
        await this.waitAction(res.data.action, 'disable rescue');
        await this.reset(server);
        if (!(await this.current(server)).rescue_enabled) return;
        lastError = new RescueError('provider.api', {
          provider: ID,
          status: 'rescue_enabled',
          operation: 'disable rescue',
          detail: ': the server still reports rescue mode on',
        });
      } catch (err) {
        // Wrong credentials or permissions do not get better by trying again.
        if (isRescueError(err) && (err.code === 'auth.failed' || err.code === 'auth.forbidden')) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private async current(server: ServerRef): Promise<HcloudServer> {
    const res = await this.http.get<{ server: HcloudServer }>(`servers/${server.id}`, {
      operation: 'get server',
    });
    return res.data.server;
  }

  private async reset(server: ServerRef): Promise<void> {
    const res = await this.http.post<{ action: HcloudAction }>(`servers/${server.id}/actions/reset`, {
      operation: 'reset',
    });
    await this.waitAction(res.data.action, 'reset');
  }

  private async waitAction(action: HcloudAction, operation: string): Promise<void> {
    const done = await pollUntil(this.ctx, ACTION_POLLS, async () => {
      const current =
        action.status === 'running'
          ? (await this.http.get<{ action: HcloudAction }>(`actions/${action.id}`, { operation })).data.action
          : action;
      action = current;
      return current.status === 'running' ? undefined : current;
    });
    if (!done) throw new RescueError('provider.timeout', { provider: ID, operation, seconds: '?' });
    if (done.status === 'error') {
      const detail = done.error ? `: ${done.error.code}: ${done.error.message}` : '';
      throw new RescueError('provider.api', { provider: ID, status: 'action error', operation, detail });
    }
  }
}

export function createAdapter(ctx: ProviderContext): ProviderAdapter {
  const token = envSecret(ctx.env, 'HCLOUD_TOKEN');
  if (!token) throw missingCredentials(ID, hetzner.credentialHelp);
  const http = new HttpClient({
    provider: ID,
    baseURL: baseUrl(ctx, HETZNER_API, 'HCLOUD_ENDPOINT'),
    headers: { Authorization: `Bearer ${token}` },
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
    ...(ctx.retry ? { retry: ctx.retry } : {}),
  });
  return new HetznerAdapter(http, ctx);
}

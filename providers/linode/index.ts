import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { t } from '../../src/i18n/index.js';
import { RescueError } from '../../src/errors/rescue-error.js';
import { registerSecret } from '../../src/secrets.js';
import { baseUrl, envSecret, envValue, pollUntil } from '../credentials.js';
import { consoleUnavailable, missingCredentials, notFound, pickOne, unsupported } from '../errors.js';
import { HttpClient } from '../http.js';
import type {
  Capability,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RescueAccess,
  ServerRef,
} from '../types.js';
import {
  RESCUE_SLOTS,
  lishHost,
  toServerRef,
  type LinodeDisk,
  type LinodeInstance,
  type LinodePage,
} from './map.js';
import { linode } from './provider.js';

export const LINODE_API = 'https://api.linode.com/v4';

/** GET /account/events (linodego account_events.go): the jobs rescue and reboot queue. */
interface LinodeEvent {
  id: number;
  action: string;
  status: 'scheduled' | 'started' | 'finished' | 'failed' | 'notification';
  created: string;
  message?: string | null;
}
const JOB_ACTIONS = ['linode_boot', 'linode_reboot'];

/** GET /profile (linodego profile.go: `lish_auth_method` is password_keys, keys_only or disabled). */
interface LinodeProfile {
  username: string;
  lish_auth_method?: 'password_keys' | 'keys_only' | 'disabled';
}
const ID = 'linode';
const BOOT_POLLS = 90;

export class LinodeAdapter implements ProviderAdapter {
  readonly id = ID;
  /**
   * rescueBoot: Finnix offers no SSH but a root shell on the serial console, reached through Lish,
   * where the rescue works on the disk.
   */
  readonly capabilities: readonly Capability[] = linode.capabilities;

  constructor(
    private readonly http: HttpClient,
    private readonly ctx: ProviderContext,
  ) {}

  async findServer(query: FindQuery): Promise<ServerRef> {
    if ('id' in query) return toServerRef(await this.instance(query.id, query));
    if ('ip' in query) {
      // The networking API knows which Linode owns an address (public or private, v4 or v6).
      const res = await this.http.get<{ linode_id: number | null }>(
        `networking/ips/${encodeURIComponent(query.ip)}`,
        {
          operation: 'look up IP address',
          notFound: () => notFound(ID, query),
        },
      );
      if (res.data.linode_id === null) throw notFound(ID, query);
      return toServerRef(await this.instance(String(res.data.linode_id), query));
    }
    const matches: LinodeInstance[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const res = await this.http.get<LinodePage<LinodeInstance>>('linode/instances', {
        operation: 'list Linodes',
        query: { page, page_size: 100 },
        headers: { 'X-Filter': JSON.stringify({ label: query.name }) },
      });
      matches.push(...res.data.data);
      pages = res.data.pages;
    }
    return pickOne(ID, query, matches.map(toServerRef));
  }

  private async instance(id: string, query: FindQuery): Promise<LinodeInstance> {
    const res = await this.http.get<LinodeInstance>(`linode/instances/${encodeURIComponent(id)}`, {
      operation: 'get Linode',
      notFound: () => notFound(ID, query),
    });
    return res.data;
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind !== 'serial') throw unsupported(this.ctx.lang, ID, 'vncConsole', this.capabilities);
    return this.lish(server);
  }

  /**
   * Lish: ssh <profile user>@lish-<region>.linode.com <label>. The gateway takes the keys added to
   * the profile's Lish settings (a key file, or the user's SSH agent) and, unless the profile says
   * `keys_only` (or the account uses third-party login), the Cloud Manager password. The profile's
   * `lish_auth_method` (password_keys | keys_only | disabled) is checked first, so a console that
   * cannot log in is unavailable at once instead of failing at connect time.
   */
  private async lish(server: ServerRef): Promise<ConsoleEndpoint> {
    const profile = await this.http.get<LinodeProfile>('profile', { operation: 'read profile' });
    const method = profile.data.lish_auth_method;
    const unavailable = (key: 'providers.hint.linode-lish-disabled' | 'providers.hint.linode-lish-key') =>
      consoleUnavailable('serial', server, t(this.ctx.lang, key, { user: profile.data.username }));
    if (method === 'disabled') throw unavailable('providers.hint.linode-lish-disabled');
    const override = envValue(this.ctx.env, 'LINODE_LISH_HOST');
    const [host, port] = override ? override.split(':') : [lishHost(server.location ?? ''), '22'];
    const keyFile = envValue(this.ctx.env, 'LINODE_LISH_KEY_FILE');
    const privateKey = keyFile ? await this.ctx.readTextFile?.(keyFile) : undefined;
    registerSecret(privateKey);
    const agent = envValue(this.ctx.env, 'SSH_AUTH_SOCK');
    const password = method === 'keys_only' ? undefined : envSecret(this.ctx.env, 'LINODE_LISH_PASSWORD');
    if (!privateKey && !agent && !password) throw unavailable('providers.hint.linode-lish-key');
    return {
      kind: 'serial-ssh',
      host: host ?? '',
      port: Number(port ?? 22),
      username: profile.data.username,
      command: String(server.vendor?.label ?? server.name),
      ...(privateKey ? { privateKey } : {}),
      ...(agent ? { agent } : {}),
      ...(password ? { password } : {}),
    };
  }

  private async disks(server: ServerRef): Promise<LinodeDisk[]> {
    const res = await this.http.get<LinodePage<LinodeDisk>>(`linode/instances/${server.id}/disks`, {
      operation: 'list disks',
      query: { page_size: 100 },
    });
    return res.data.data;
  }

  async rescueBoot(server: ServerRef): Promise<RescueAccess> {
    // Finnix is reached only through Lish: a Lish that cannot log in is said before any reboot.
    const console = await this.lish(server);
    const disks = await this.disks(server);
    const devices: Record<string, { disk_id: number }> = {};
    const mapping: Record<string, string> = {};
    disks.slice(0, RESCUE_SLOTS.length).forEach((disk, i) => {
      const slot = RESCUE_SLOTS[i]!;
      devices[slot] = { disk_id: disk.id };
      mapping[`/dev/${slot}`] = `${disk.label} (${disk.filesystem})`;
    });
    const queued = await this.http.post(`linode/instances/${server.id}/rescue`, {
      operation: 'boot rescue',
      data: { devices },
    });
    await this.waitJob(server, jobSince(queued.headers.date), 'boot rescue');
    const described = Object.entries(mapping)
      .map(([dev, disk]) => `${dev} = ${disk}`)
      .join(', ');
    return {
      console,
      disks: mapping,
      notes: [t(this.ctx.lang, 'providers.hint.linode-rescue-running', { disks: described })],
    };
  }

  async exitRescue(server: ServerRef): Promise<void> {
    // A plain reboot boots the Linode's own configuration profile again.
    const queued = await this.http.post(`linode/instances/${server.id}/reboot`, {
      operation: 'reboot',
      data: {},
    });
    await this.waitJob(server, jobSince(queued.headers.date), 'reboot');
  }

  /**
   * rescue and reboot only queue a job and answer {}; a running Linode reports `running` until the job
   * starts, so a status poll cannot tell "not started" from "done". As linodego's
   * WaitForEventFinished does, the job's own event (linode_boot / linode_reboot for this Linode,
   * created since the call) is polled until it is finished (or failed).
   */
  private async waitJob(server: ServerRef, since: string, operation: string): Promise<void> {
    const filter = {
      'entity.id': Number(server.id),
      'entity.type': 'linode',
      created: { '+gte': since },
      '+order_by': 'created',
      '+order': 'desc',
    };
    const event = await pollUntil(this.ctx, BOOT_POLLS, async () => {
      const res = await this.http.get<LinodePage<LinodeEvent>>('account/events', {
        operation,
        query: { page_size: 25 },
        headers: { 'X-Filter': JSON.stringify(filter) },
      });
      const job = res.data.data.find((e) => JOB_ACTIONS.includes(e.action));
      return job && (job.status === 'finished' || job.status === 'failed') ? job : undefined;
    });
    if (!event) throw new RescueError('provider.timeout', { provider: ID, operation, seconds: '?' });
    if (event.status === 'failed') {
      throw new RescueError('provider.api', {
        provider: ID,
        status: `event ${event.action} failed`,
        operation,
        detail: event.message ? `: ${event.message}` : '',
      });
    }
  }
}

/**
 * The earliest `created` the queued job's event can carry, on the API's clock (the answer's Date
 * header, ours if absent), a few seconds early because the event is stamped before the answer is.
 * Linode writes times as UTC without a zone: 2026-12-03T04:41:07.
 */
function jobSince(dateHeader: unknown): string {
  const date = Date.parse(String(dateHeader ?? ''));
  const at = (Number.isNaN(date) ? Date.now() : date) - 10_000;
  return new Date(at).toISOString().replace(/\.\d+Z$/, '');
}

export function createAdapter(ctx: ProviderContext): ProviderAdapter {
  const token = envSecret(ctx.env, 'LINODE_TOKEN', 'LINODE_CLI_TOKEN');
  if (!token) {
    throw missingCredentials(ID, linode.credentialHelp);
  }
  const http = new HttpClient({
    provider: ID,
    baseURL: baseUrl(ctx, LINODE_API),
    headers: { Authorization: `Bearer ${token}` },
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
    ...(ctx.retry ? { retry: ctx.retry } : {}),
  });
  return new LinodeAdapter(http, ctx);
}

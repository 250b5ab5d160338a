import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { t } from '../../src/i18n/index.js';
import { pickOne, unsupported } from '../errors.js';
import type {
  CommandResult,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RunCommandOptions,
  ServerRef,
} from '../types.js';
import { GcpApi } from './api.js';
import { metadataFlag, metadataKeys, toServerRef, type Instance } from './map.js';
import { gcp } from './provider.js';
import { openSerialPort } from './serial.js';
import { runThroughStartupScript } from './startup-script.js';

/** A filter the compute API evaluates itself (name and id are top-level fields). */
const filterFor = (query: FindQuery): string | undefined =>
  'name' in query
    ? `name = "${query.name.replace(/"/g, '')}"`
    : 'id' in query
      ? `id = ${query.id.replace(/\D/g, '') || '0'}`
      : undefined;

/**
 * Google Compute Engine through its own SDK (@google-cloud/compute over REST). An instance is found
 * across every zone of the project (aggregatedList); by IP it matches natIP (external) and networkIP
 * (internal) of every interface, as `gcloud compute instances list` shows them.
 */
export class GcpAdapter implements ProviderAdapter {
  readonly id = gcp.id;
  readonly capabilities = gcp.capabilities;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly api: GcpApi,
  ) {}

  async findServer(query: FindQuery): Promise<ServerRef> {
    const instances = await this.list(filterFor(query));
    const matches = instances.filter((i) => {
      if ('ip' in query) {
        const ref = toServerRef(i, this.api.project);
        return [...ref.addresses.ipv4, ...ref.addresses.ipv6].includes(query.ip);
      }
      if ('name' in query) return i.name === query.name;
      return String(i.id) === query.id;
    });
    const found = pickOne(
      this.id,
      query,
      matches.map((i) => toServerRef(i, this.api.project)),
    );
    this.warnKeyManagers(
      matches.find((i) => String(i.id) === found.id)!,
      found,
    );
    return found;
  }

  /** Every instance of the project (matching `filter`), page by page, zone by zone. */
  private async list(filter: string | undefined): Promise<Instance[]> {
    const request = { project: this.api.project, returnPartialSuccess: true, ...(filter ? { filter } : {}) };
    // The SDK asks for every page (nextPageToken) as the iteration goes on.
    return this.api.call(
      'list instances',
      async () => {
        const all: Instance[] = [];
        for await (const [, scoped] of this.api.instances.aggregatedListAsync(request, this.api.callOptions))
          all.push(...(scoped.instances ?? []));
        return all;
      },
      { idempotent: true },
    );
  }

  /**
   * Who else writes authorized_keys on this instance: OS Login (keys from profiles, not the file) and
   * the guest agent (keys from ssh-keys metadata). A repair of those keys in the file would not last.
   */
  private warnKeyManagers(instance: Instance, server: ServerRef): void {
    const notice = this.ctx.notice;
    if (!notice) return;
    const params = { instance: server.name, zone: server.location ?? '' };
    if (metadataFlag(instance.metadata, 'enable-oslogin') === true)
      notice(t(this.ctx.lang, 'providers.hint.gcp-oslogin', params));
    const users = [...new Set(metadataKeys(instance.metadata).map((k) => k.user))];
    if (users.length > 0)
      notice(t(this.ctx.lang, 'providers.hint.gcp-agent-keys', { ...params, users: users.join(', ') }));
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind !== 'serial') throw unsupported(this.ctx.lang, this.id, 'vncConsole', this.capabilities);
    return openSerialPort(this.api, server);
  }

  runCommand(server: ServerRef, argv: string[], options?: RunCommandOptions): Promise<CommandResult> {
    return runThroughStartupScript(this.api, server, argv, options);
  }
}

export async function createAdapter(ctx: ProviderContext): Promise<ProviderAdapter> {
  return new GcpAdapter(ctx, await GcpApi.create(ctx));
}

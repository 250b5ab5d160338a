import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { isRescueError, RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { sleep } from '../credentials.js';
import { consoleUnavailable, pickOne, precondition } from '../errors.js';
import type {
  Capability,
  CommandResult,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RunCommandOptions,
  ServerRef,
  ServerStatus,
} from '../types.js';
import { tokenTermproxy } from './console-auth.js';
import { connect, proxmoxCredentials, type ProxmoxConnection, type ProxmoxCredentials } from './auth.js';
import { proxmox } from './provider.js';

const ID = 'proxmox';

interface ClusterVm {
  id: string;
  type: string;
  vmid: number;
  name?: string;
  node: string;
  status: string;
  template?: number;
}

interface AgentInterfaces {
  result: { name: string; 'ip-addresses'?: { 'ip-address': string; 'ip-address-type': string }[] }[];
}

const STATUS: Record<string, ServerStatus> = { running: 'running', stopped: 'stopped', paused: 'suspended' };

export class ProxmoxAdapter implements ProviderAdapter {
  readonly id = ID;
  readonly capabilities: readonly Capability[] = proxmox.capabilities;
  private conn?: Promise<ProxmoxConnection>;
  private ticketConn?: Promise<ProxmoxConnection>;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly creds: ProxmoxCredentials,
  ) {}

  /** Logs in on first use, so creating the adapter never touches the network. */
  private connection(): Promise<ProxmoxConnection> {
    this.conn ??= connect(this.ctx, this.creds).catch((err: unknown) => {
      this.conn = undefined;
      throw err;
    });
    return this.conn;
  }

  /**
   * The session termproxy is opened with. A token works only where termproxy checks tickets through
   * /access/vncticket (qemu-server >= 9.1.7): with user and password also set, a ticket session is
   * used instead; with a token alone on an older node the serial console is unavailable at once, so
   * the rescue goes on to the guest agent or VNC rather than failing at connect time.
   */
  private async serialConnection(server: ServerRef): Promise<ProxmoxConnection> {
    const conn = await this.connection();
    if (!this.creds.token) return conn;
    if (this.creds.username && this.creds.password) {
      this.ticketConn ??= connect(this.ctx, this.creds, true).catch((err: unknown) => {
        this.ticketConn = undefined;
        throw err;
      });
      return this.ticketConn;
    }
    const support = await tokenTermproxy(conn.http, server.location ?? '');
    if (support.verdict === 'no') {
      throw consoleUnavailable(
        'serial',
        server,
        t(this.ctx.lang, 'providers.hint.proxmox-token-serial', { version: support.version }),
      );
    }
    return conn;
  }

  private async api() {
    return (await this.connection()).http;
  }

  private vmPath(server: ServerRef): string {
    if (server.vendor?.type !== 'qemu') {
      throw precondition(ID, 'console', t(this.ctx.lang, 'providers.hint.proxmox-lxc'));
    }
    return `nodes/${server.location}/qemu/${server.id}`;
  }

  async findServer(query: FindQuery): Promise<ServerRef> {
    const http = await this.api();
    const res = await http.get<{ data: ClusterVm[] }>('cluster/resources', {
      operation: 'list VMs',
      query: { type: 'vm' },
    });
    const vms = res.data.data.filter((vm) => !vm.template);
    if ('id' in query) return pickOne(ID, query, vms.filter((vm) => String(vm.vmid) === query.id).map(toRef));
    if ('name' in query) return pickOne(ID, query, vms.filter((vm) => vm.name === query.name).map(toRef));
    // Only the guest agent knows a VM's addresses: ask every running QEMU VM that has one.
    const matches: ServerRef[] = [];
    for (const vm of vms.filter((v) => v.type === 'qemu' && v.status === 'running')) {
      const ref = toRef(vm);
      const addresses = await this.agentAddresses(ref);
      if (addresses && [...addresses.ipv4, ...addresses.ipv6].includes(query.ip))
        matches.push({ ...ref, addresses });
    }
    return pickOne(ID, query, matches);
  }

  private async agentAddresses(ref: ServerRef): Promise<ServerRef['addresses'] | undefined> {
    try {
      const res = await (
        await this.api()
      ).get<{ data: AgentInterfaces }>(`${this.vmPath(ref)}/agent/network-get-interfaces`, {
        operation: 'read guest addresses',
      });
      const all = res.data.data.result.filter((i) => i.name !== 'lo').flatMap((i) => i['ip-addresses'] ?? []);
      const of = (type: string) =>
        all.filter((a) => a['ip-address-type'] === type).map((a) => a['ip-address']);
      return { ipv4: of('ipv4'), ipv6: of('ipv6') };
    } catch (err) {
      // No agent in this VM: it simply cannot be matched by IP.
      if (isRescueError(err) && err.code === 'provider.api') return undefined;
      throw err;
    }
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    const conn = await this.connection();
    const path = this.vmPath(server);
    const wsBase = `${conn.origin.replace(/^http/, 'ws')}/api2/json/${path}/vncwebsocket`;
    if (kind === 'vnc') {
      const res = await conn.http.post<{
        data: { port: string | number; ticket: string; password?: string };
      }>(`${path}/vncproxy`, {
        operation: 'open VNC proxy',
        data: { websocket: 1 },
      });
      const { port, ticket, password } = res.data.data;
      registerSecret(ticket);
      registerSecret(password);
      const url = `${wsBase}?port=${port}&vncticket=${encodeURIComponent(ticket)}`;
      // Since qemu-server 9.1.7 the VNC password is its own field and the ticket is prefixed with it
      // "until the next major release" (commit 282ec11d); older hosts check the ticket itself.
      return {
        kind: 'vnc-ws',
        url,
        password: password ?? ticket,
        headers: { ...conn.authHeaders },
        insecureTls: conn.insecureTls,
      };
    }
    // termproxy attaches `qm terminal`, which needs a serial port of type socket in the VM config.
    const config = await conn.http.get<{ data: Record<string, unknown> }>(`${path}/config`, {
      operation: 'read VM config',
    });
    const serial = ['serial0', 'serial1', 'serial2', 'serial3'].find((k) => config.data.data[k] === 'socket');
    if (!serial)
      throw consoleUnavailable(
        'serial',
        server,
        t(this.ctx.lang, 'providers.hint.proxmox-serial', { vmid: server.id }),
      );
    const serialConn = await this.serialConnection(server);
    const res = await serialConn.http.post<{ data: { user: string; ticket: string; port: string | number } }>(
      `${path}/termproxy`,
      { operation: 'open serial terminal', data: { serial } },
    );
    const { user, ticket, port } = res.data.data;
    registerSecret(ticket);
    return {
      kind: 'termproxy-ws',
      url: `${wsBase}?port=${port}&vncticket=${encodeURIComponent(ticket)}`,
      user,
      ticket,
      headers: { ...serialConn.authHeaders },
      insecureTls: serialConn.insecureTls,
    };
  }

  async runCommand(
    server: ServerRef,
    argv: string[],
    options: RunCommandOptions = {},
  ): Promise<CommandResult> {
    const http = await this.api();
    const path = this.vmPath(server);
    const started = await this.agentCall(server, () =>
      http.post<{ data: { pid: number } }>(`${path}/agent/exec`, {
        operation: 'guest exec',
        data: { command: argv, ...(options.input !== undefined ? { 'input-data': options.input } : {}) },
      }),
    );
    const pid = started.data.data.pid;
    type Status = { exited: number | boolean; exitcode?: number; 'out-data'?: string; 'err-data'?: string };
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const cap = this.ctx.pollIntervalMs ?? 1000;
    let done: Status | undefined;
    // Most guest commands end within milliseconds: poll soon, then back off to the usual interval.
    for (let i = 0; !done; i++) {
      const res = await http.get<{ data: Status }>(`${path}/agent/exec-status`, {
        operation: 'guest exec status',
        query: { pid },
      });
      if (res.data.data.exited) done = res.data.data;
      else if (Date.now() >= deadline)
        throw new RescueError('provider.timeout', {
          provider: ID,
          operation: 'guest exec',
          seconds: Math.round(timeoutMs / 1000),
        });
      else await sleep(Math.min(cap, 50 * 2 ** i));
    }
    return { exitCode: done.exitcode ?? -1, stdout: done['out-data'] ?? '', stderr: done['err-data'] ?? '' };
  }

  /** Agent calls on a VM without a running agent fail with HTTP 500: say what to do instead. */
  private async agentCall<T>(server: ServerRef, call: () => Promise<T>): Promise<T> {
    if (server.status !== 'running') {
      throw precondition(
        ID,
        'guest agent',
        t(this.ctx.lang, 'providers.hint.not-running', { status: server.vendorStatus }),
      );
    }
    try {
      return await call();
    } catch (err) {
      if (isRescueError(err) && err.code === 'provider.api' && /agent/i.test(String(err.params.detail))) {
        const hint = t(this.ctx.lang, 'providers.hint.proxmox-agent', { vmid: server.id });
        throw precondition(ID, 'guest agent', `${hint}${String(err.params.detail)}`);
      }
      throw err;
    }
  }
}

function toRef(vm: ClusterVm): ServerRef {
  return {
    provider: ID,
    id: String(vm.vmid),
    name: vm.name ?? `vm${vm.vmid}`,
    status: STATUS[vm.status] ?? 'unknown',
    vendorStatus: vm.status,
    addresses: { ipv4: [], ipv6: [] },
    location: vm.node,
    vendor: { type: vm.type },
  };
}

export function createAdapter(ctx: ProviderContext): ProviderAdapter {
  return new ProxmoxAdapter(ctx, proxmoxCredentials(ctx));
}

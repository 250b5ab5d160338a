import { randomBytes } from 'node:crypto';
import { getClient } from '@azure-rest/core-client';
import type { VirtualMachine } from '@azure/arm-compute';
import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { t } from '../../src/i18n/index.js';
import { mask, registerSecret } from '../../src/secrets.js';
import { consoleUnavailable, notFound, pickOne, precondition, unsupported } from '../errors.js';
import type {
  Capability,
  CommandResult,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RunCommandOptions,
  ServerRef,
} from '../types.js';
import { azureError, connectAzure, ID, subscriptionOf, type AzureConnection } from './auth.js';
import { findByIp, parseVmId, toRef } from './lookup.js';
import { azure } from './provider.js';
import {
  RUN_COMMAND_OUTPUT_BYTES,
  runCommandScript,
  runCommandStreams,
  sealedRunCommandScript,
  splitStatus,
  type RunCommandScript,
} from './run-command.js';
import { keyPairScript, seal } from '../sealed.js';

/** Microsoft.SerialConsole's published API version (serialport.json, 2024-07-01). */
export const SERIAL_CONSOLE_API = '2024-07-01';

export class AzureAdapter implements ProviderAdapter {
  readonly id = ID;
  readonly capabilities: readonly Capability[] = azure.capabilities;
  readonly runCommandOutputBytes = RUN_COMMAND_OUTPUT_BYTES;
  private conn?: Promise<AzureConnection>;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly subscriptionId: string,
  ) {}

  /** The SDK clients, made on first use so that creating the adapter touches nothing. */
  private connection(): Promise<AzureConnection> {
    this.conn ??= connectAzure(this.ctx, this.subscriptionId).catch((err: unknown) => {
      this.conn = undefined;
      throw err;
    });
    return this.conn;
  }

  private async call<T>(operation: string, run: (c: AzureConnection) => Promise<T>, missing?: FindQuery) {
    const c = await this.connection();
    try {
      return await run(c);
    } catch (err) {
      throw azureError(this.ctx, err, operation, missing ? () => notFound(ID, missing) : undefined);
    }
  }

  /** Each API call (a listing with all its pages) ends after ctx.timeoutMs, default 60 s. */
  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.ctx.timeoutMs ?? 60_000);
  }

  private get(c: AzureConnection, group: string, name: string): Promise<VirtualMachine> {
    return c.compute.virtualMachines.get(group, name, {
      expand: 'instanceView',
      abortSignal: this.deadline(),
    });
  }

  async findServer(query: FindQuery): Promise<ServerRef> {
    if ('id' in query) {
      const where = parseVmId(query.id);
      if (!where) throw notFound(ID, query);
      return this.call('get VM', async (c) => toRef(await this.get(c, where.group, where.name)), query);
    }
    if ('name' in query) {
      const matches = await this.call('list VMs', async (c) => {
        const found: VirtualMachine[] = [];
        for await (const vm of c.compute.virtualMachines.listAll({ abortSignal: this.deadline() })) {
          if (vm.name?.toLowerCase() === query.name.toLowerCase()) found.push(vm);
        }
        return found;
      });
      const one = pickOne(ID, query, matches.map(toRef));
      const where = parseVmId(one.id)!;
      return this.call('get VM', async (c) => toRef(await this.get(c, where.group, where.name)), query);
    }
    const hit = await this.call('find VM by address', (c) => findByIp(c, query.ip, this.deadline()));
    if (hit.length !== 1)
      return pickOne(
        ID,
        query,
        hit.map((h) => ({ ...minimalRef(h.vmId), addresses: h.addresses })),
      );
    const where = parseVmId(hit[0]!.vmId)!;
    const ref = await this.call(
      'get VM',
      async (c) => toRef(await this.get(c, where.group, where.name)),
      query,
    );
    return { ...ref, addresses: hit[0]!.addresses };
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind !== 'serial') throw unsupported(this.ctx.lang, ID, 'vncConsole', this.capabilities);
    const v = vendorOf(server);
    const names = { group: v.group, vm: server.name, status: server.vendorStatus };
    if (v.os === 'Windows')
      throw consoleUnavailable('serial', server, t(this.ctx.lang, 'providers.hint.azure-windows'));
    if (server.status !== 'running')
      throw consoleUnavailable('serial', server, t(this.ctx.lang, 'providers.hint.azure-not-running', names));
    if (!v.bootDiagnostics)
      throw consoleUnavailable(
        'serial',
        server,
        t(this.ctx.lang, 'providers.hint.azure-boot-diagnostics', names),
      );
    return this.call('open serial console', async (c) => {
      const rest = getClient(c.arm, c.credential, {
        credentials: { scopes: [c.scope] },
        retryOptions: { maxRetries: 0 },
        ...(c.ca ? { tlsOptions: { ca: c.ca } } : {}),
      });
      const query = { 'api-version': SERIAL_CONSOLE_API };
      const status = await rest
        .path(`/subscriptions/${c.subscriptionId}/providers/Microsoft.SerialConsole/consoleServices/default`)
        .get({ queryParameters: query, abortSignal: this.deadline() });
      // 404: the subscription never switched the console off (the service record is made on first change).
      if (status.status !== '200' && status.status !== '404')
        throw restFailure(status.status, status.headers, status.body);
      if (
        status.status === '200' &&
        (status.body as { properties?: { disabled?: boolean } }).properties?.disabled
      ) {
        throw consoleUnavailable('serial', server, t(this.ctx.lang, 'providers.hint.azure-console-disabled'));
      }
      const res = await rest
        .path(`${server.id}/providers/Microsoft.SerialConsole/serialPorts/0/connect`)
        .post({ queryParameters: query, abortSignal: this.deadline() });
      if (res.status !== '200') throw restFailure(res.status, res.headers, res.body);
      const connectionString = (res.body as { connectionString?: string }).connectionString;
      if (!connectionString) throw new Error('the serial console answered no connectionString');
      // The gateway takes the ARM bearer token in the query, as `az serial-console connect` sends it.
      const token = await c.credential.getToken(c.scope, { enableCae: true });
      if (!token) throw new Error('no access token for the serial console');
      registerSecret(token.token);
      // The session URL is the console itself for whoever holds a token of the tenant: kept out of logs too.
      registerSecret(connectionString);
      return {
        kind: 'serial-ws',
        url: `${connectionString}?authorization=${encodeURIComponent(token.token)}`,
        protocols: [],
        textFrames: true,
        ...(c.ca ? { ca: c.ca } : {}),
      } satisfies ConsoleEndpoint;
    });
  }

  prerequisitesMet(_server: ServerRef, capability: Capability): string | undefined {
    // Called only for a way that opened: openConsole and the probe through runCommand checked each.
    if (capability === 'serialConsole') return t(this.ctx.lang, 'providers.hint.azure-met-serial');
    if (capability === 'runCommand') return t(this.ctx.lang, 'providers.hint.azure-met-run-command');
    return undefined;
  }

  async runCommand(
    server: ServerRef,
    argv: string[],
    options: RunCommandOptions = {},
  ): Promise<CommandResult> {
    const v = vendorOf(server);
    const names = { group: v.group, vm: server.name, status: server.vendorStatus };
    if (server.status !== 'running')
      throw precondition(ID, 'Run Command', t(this.ctx.lang, 'providers.hint.azure-not-running', names));
    if (v.agent !== 'Ready')
      throw precondition(
        ID,
        'Run Command',
        t(this.ctx.lang, 'providers.hint.azure-agent', { status: v.agent }),
      );
    const timeoutMs = options.timeoutMs ?? 90_000;
    const input = options.input;
    if (input === undefined || mask(input) === input)
      return this.invoke(server, runCommandScript(argv, input), timeoutMs);
    // A program that carries a secret goes sealed to a key pair the VM makes first (../sealed.ts):
    // Run Command passes its script through ARM to the VM agent, which writes it to disk.
    const keyDir = `/tmp/.vr-az-${randomBytes(8).toString('hex')}.k`;
    const made = await this.invoke(server, runCommandScript(['/bin/sh'], keyPairScript(keyDir)), 60_000);
    const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(made.stdout)?.[0];
    if (made.exitCode !== 0 || !pem) {
      throw precondition(
        ID,
        'Run Command',
        t(this.ctx.lang, 'providers.hint.azure-no-openssl', { vm: server.name, code: made.exitCode }),
      );
    }
    return this.invoke(server, sealedRunCommandScript(argv, keyDir, seal(pem, input)), timeoutMs);
  }

  /** One RunShellScript, polled until ARM has its result; the status line split off stdout. */
  private async invoke(
    server: ServerRef,
    script: RunCommandScript,
    timeoutMs: number,
  ): Promise<CommandResult> {
    const v = vendorOf(server);
    const result = await this.call('Run Command', async (c) => {
      const poller = c.compute.virtualMachines.runCommand(
        v.group,
        server.name,
        { commandId: 'RunShellScript', script: script.lines },
        { updateIntervalInMs: this.ctx.pollIntervalMs ?? 2000, abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      return poller.pollUntilDone();
    });
    const streams = runCommandStreams(result.value);
    const { stdout, exitCode } = splitStatus(streams.stdout, script.marker);
    return { exitCode, stdout, stderr: streams.stderr };
  }
}

interface AzureFacts {
  group: string;
  bootDiagnostics: boolean;
  agent: string;
  os: string;
}

function vendorOf(server: ServerRef): AzureFacts {
  const v = server.vendor ?? {};
  return {
    group: String(v.resourceGroup ?? parseVmId(server.id)?.group ?? ''),
    bootDiagnostics: v.bootDiagnostics === true,
    agent: String(v.agent ?? 'unknown'),
    os: String(v.os ?? ''),
  };
}

function minimalRef(vmId: string): ServerRef {
  const where = parseVmId(vmId);
  return {
    provider: ID,
    id: vmId,
    name: where?.name ?? vmId,
    status: 'unknown',
    vendorStatus: '',
    addresses: { ipv4: [], ipv6: [] },
  };
}

/** A non-200 answer of a hand-made call, shaped like the SDK's RestError so azureError maps it alike. */
function restFailure(status: string, headers: Record<string, string>, body: unknown): Error {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return Object.assign(new Error(error?.message ?? `HTTP ${status}`), {
    name: 'RestError',
    statusCode: Number(status),
    code: error?.code,
    response: { headers: { toJSON: () => headers } },
  });
}

export async function createAdapter(ctx: ProviderContext): Promise<ProviderAdapter> {
  // The subscription is the one thing no token names: without it nothing can be looked up.
  return new AzureAdapter(ctx, await subscriptionOf(ctx));
}

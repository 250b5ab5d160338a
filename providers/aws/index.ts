import type { ConsoleEndpoint, ConsoleKind } from '../../src/console/endpoint.js';
import { unsupported } from '../errors.js';
import type {
  Capability,
  CommandResult,
  FindQuery,
  ProviderAdapter,
  ProviderContext,
  RunCommandOptions,
  ServerRef,
} from '../types.js';
import { AwsClients } from './clients.js';
import { findInstance } from './instances.js';
import { aws } from './provider.js';
import { openSerialConsole } from './serial.js';
import { awsSettings, type AwsSettings } from './settings.js';
import { SsmRunner } from './ssm.js';

/**
 * Amazon EC2 through the vendor's own SDK: instances found with DescribeInstances, the serial console
 * through EC2 Instance Connect and the region's SSH gateway, commands through SSM Run Command.
 */
export class AwsAdapter implements ProviderAdapter {
  readonly id = aws.id;
  readonly capabilities: readonly Capability[] = aws.capabilities;
  private readonly clients: AwsClients;
  private readonly ssm: SsmRunner;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly settings: AwsSettings,
  ) {
    this.clients = new AwsClients(ctx, settings);
    this.ssm = new SsmRunner(ctx.lang, ctx.pollIntervalMs ?? 1000);
  }

  /** Follow-up calls go to the instance's own region. */
  private regionOf(server: ServerRef) {
    return this.clients.in(server.location ?? this.settings.regions[0]!);
  }

  findServer(query: FindQuery): Promise<ServerRef> {
    return findInstance(this.clients, query, this.ctx.lang);
  }

  async openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint> {
    if (kind !== 'serial') throw unsupported(this.ctx.lang, this.id, 'vncConsole', this.capabilities);
    return openSerialConsole(this.regionOf(server), this.settings, server, this.ctx.lang);
  }

  runCommand(server: ServerRef, argv: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
    return this.ssm.run(this.regionOf(server), server, argv, options);
  }
}

export async function createAdapter(ctx: ProviderContext): Promise<ProviderAdapter> {
  return new AwsAdapter(ctx, await awsSettings(ctx));
}

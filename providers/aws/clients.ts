import { EC2Client } from '@aws-sdk/client-ec2';
import { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_RETRY } from '../http.js';
import type { ProviderContext } from '../types.js';
import type { AwsSettings } from './settings.js';

/**
 * The vendor's own clients, one set per region, built on first use. The SDK signs (SigV4),
 * serializes (EC2 query XML, awsJson1_1) and retries throttling and 5xx answers with its standard
 * backoff; ctx.retry.retries sets how many more tries it makes.
 */
export interface RegionClients {
  region: string;
  ec2: EC2Client;
  ssm: SSMClient;
  connect: EC2InstanceConnectClient;
}

export class AwsClients {
  private readonly byRegion = new Map<string, RegionClients>();

  constructor(
    private readonly ctx: ProviderContext,
    private readonly settings: AwsSettings,
  ) {}

  get regions(): string[] {
    return this.settings.regions;
  }

  in(region: string): RegionClients {
    let clients = this.byRegion.get(region);
    if (!clients) {
      const config = {
        region,
        credentials: this.settings.credentials,
        maxAttempts: (this.ctx.retry?.retries ?? DEFAULT_RETRY.retries) + 1,
        retryMode: 'standard',
        requestHandler: { requestTimeout: this.ctx.timeoutMs ?? 30_000, connectionTimeout: 10_000 },
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      };
      clients = {
        region,
        ec2: new EC2Client(config),
        ssm: new SSMClient(config),
        connect: new EC2InstanceConnectClient(config),
      };
      this.byRegion.set(region, clients);
    }
    return clients;
  }

  destroy(): void {
    for (const c of this.byRegion.values()) {
      c.ec2.destroy();
      c.ssm.destroy();
      c.connect.destroy();
    }
    this.byRegion.clear();
  }
}

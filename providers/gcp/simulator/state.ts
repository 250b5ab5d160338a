import { randomBytes } from 'node:crypto';
import type { SimServer } from '../../../lab/simulator/servers.js';

/** The simulated project: one zone, one instance per lab server, metadata that the API may change. */
export const LAB_PROJECT = 'vps-rescue-lab';
export const LAB_ZONE = 'europe-west1-b';

export interface MetadataItem {
  key: string;
  value: string;
}

export interface SimInstance {
  server: SimServer;
  id: string;
  fingerprint: string;
  items: MetadataItem[];
  /** Serial port 1 as getSerialPortOutput returns it: everything written since "boot". */
  serial: string;
  /** Startup scripts running after a reset (the operation completes once the script has run). */
  running?: Promise<void>;
}

export interface SimAccount {
  project: string;
  /** The serial gateway user and the public key planted in the instances' ssh-keys. */
  serialUser: string;
  serialPublicKey: string;
  /** Switches a test may flip: the org policy on serial port access, project-wide metadata. */
  orgPolicyEnforced: boolean;
  projectItems: MetadataItem[];
  /** Access tokens the token endpoint handed out. */
  tokens: Set<string>;
}

export const newFingerprint = () => randomBytes(8).toString('base64');

/**
 * Instances made on first use from the lab servers: a server whose `serialPort` is false starts with
 * serial-port-enable=FALSE, as a new GCE instance is by default.
 */
export class SimProject {
  private readonly byServer = new Map<SimServer, SimInstance>();

  constructor(
    readonly account: SimAccount,
    private readonly servers: () => SimServer[],
  ) {}

  all(): SimInstance[] {
    return this.servers().map((server) => this.of(server));
  }

  of(server: SimServer): SimInstance {
    let instance = this.byServer.get(server);
    if (!instance) {
      const { serialUser, serialPublicKey } = this.account;
      instance = {
        server,
        id: String(4_000_000_000_000 + server.numericId),
        fingerprint: newFingerprint(),
        items: [
          { key: 'serial-port-enable', value: server.serialPort ? 'TRUE' : 'FALSE' },
          { key: 'ssh-keys', value: `${serialUser}:${serialPublicKey.trim()} ${serialUser}` },
        ],
        serial: `[    0.000000] Linux version 6.1.0-lab (simulated ${server.name})\n`,
      };
      this.byServer.set(server, instance);
    }
    return instance;
  }

  byName(name: string): SimInstance | undefined {
    const server = this.servers().find((s) => s.name === name);
    return server ? this.of(server) : undefined;
  }

  value(instance: SimInstance, key: string): string | undefined {
    return (
      instance.items.find((i) => i.key === key)?.value ??
      this.account.projectItems.find((i) => i.key === key)?.value
    );
  }
}

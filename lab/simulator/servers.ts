import { randomUUID } from 'node:crypto';
import { startLishGateway, startNovaGateway, startTermproxyGateway } from '../gateways/index.js';
import { unixSocketBackend } from '../gateways/backend.js';
import type { LishGateway } from '../gateways/lish-ssh.js';
import type { TermproxyGateway } from '../gateways/termproxy-ws.js';

/** What the simulator needs of a server: a LabServer fits, so does a hand-made registration. */
export interface SimRegistration {
  name: string;
  /** Loopback address sshd listens on (127.0.1.N): the server's "public IP". */
  address: string;
  /** Unix socket relaying the server's console. */
  consoleSocket: string;
}

/** A registered server with the ids each vendor would give it. */
export interface SimServer extends SimRegistration {
  /** Nova / ConoHa server UUID. */
  uuid: string;
  /** Proxmox vmid (100, 101, …). */
  vmid: number;
  /** Linode instance id and Hetzner server id. */
  numericId: number;
}

export const PROXMOX_NODE = 'lab';

export function toSimServers(registrations: readonly SimRegistration[]): SimServer[] {
  return registrations.map((r, i) => ({
    name: r.name,
    address: r.address,
    consoleSocket: r.consoleSocket,
    uuid: randomUUID(),
    vmid: 100 + i,
    numericId: 4000 + i,
  }));
}

/**
 * Console gateways the simulator starts on demand, each backed by a fresh connection to the lab
 * server's console socket per client, all closed with the simulator.
 */
export class ConsoleGateways {
  private readonly closers: Array<() => Promise<void>> = [];
  /** Open termproxy sessions by their TCP port (what the API returns as `port`). */
  readonly termproxies = new Map<number, { gateway: TermproxyGateway; vmid: number }>();

  /** A nova-serialproxy websocket with a fresh random token, as every console request gets one. */
  async nova(server: SimServer): Promise<string> {
    const gateway = await startNovaGateway({ backend: unixSocketBackend(server.consoleSocket) });
    this.closers.push(() => gateway.close());
    return gateway.url;
  }

  /** A termproxy for one VM; the ticket is checked by the gateway in the first websocket message. */
  async termproxy(server: SimServer, user: string, ticket: string): Promise<number> {
    const gateway = await startTermproxyGateway({
      backend: unixSocketBackend(server.consoleSocket),
      user,
      ticket,
    });
    const port = Number(new URL(gateway.url).port);
    this.termproxies.set(port, { gateway, vmid: server.vmid });
    this.closers.push(() => gateway.close());
    return port;
  }

  /**
   * One Lish-like SSH gateway for all servers, as Linode runs one per region: the exec command names
   * the Linode (its label) and picks the console.
   */
  async lish(opts: {
    username: string;
    publicKey: string;
    byLabel: (label: string) => SimServer | undefined;
  }) {
    // The gateway records the exec command (the label) just before it asks for the backend.
    const started: { gateway?: LishGateway } = {};
    const gateway = await startLishGateway({
      username: opts.username,
      publicKey: opts.publicKey,
      backend: () => {
        const label = started.gateway?.requests.at(-1) ?? '';
        const server = opts.byLabel(label);
        if (!server) return Promise.reject(new Error(`no Linode labelled ${label}`));
        return unixSocketBackend(server.consoleSocket)();
      },
    });
    started.gateway = gateway;
    this.closers.push(() => gateway.close());
    return gateway;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.closers.splice(0).map((close) => close()));
    this.termproxies.clear();
  }
}

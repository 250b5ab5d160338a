import { randomUUID } from 'node:crypto';
import { startLishGateway, startNovaGateway, startTermproxyGateway } from '../gateways/index.js';
import { unixSocketBackend } from '../gateways/backend.js';
import type { LishGateway } from '../gateways/lish-ssh.js';
import type { NovaGateway } from '../gateways/nova-ws.js';
import type { TermproxyGateway } from '../gateways/termproxy-ws.js';
import type { RescueSystemDriver } from '../rescue-system.js';
import { VncConsoles } from './vnc-consoles.js';
import type { VncBackend } from './vnc-proxy.js';

/** What the simulator needs of a server: a LabServer fits, so does a hand-made registration. */
export interface SimRegistration {
  name: string;
  /** Loopback address sshd listens on (127.0.1.N): the server's "public IP". */
  address: string;
  /** Unix socket relaying the server's console. */
  consoleSocket: string;
  /** Root in the guest (a LabServer's back door): what a guest agent's exec runs through. */
  exec?: GuestExec;
  /** false: the VM has no serial port (Proxmox: no serial0, termproxy refuses). Default true. */
  serialPort?: boolean;
  /** false: no guest agent answers (no addresses, no exec). Default true; exec also needs `exec`. */
  guestAgent?: boolean;
  /** What a Hetzner reset with rescue enabled does to the server (lab/rescue-system.ts); none: refused. */
  rescueSystem?: RescueSystemDriver;
  /**
   * The server's VNC display (a QEMU `-vnc 127.0.0.1:N`, plain RFB on loopback): Hetzner
   * request_console, Nova novnc and Proxmox vncproxy lead there. None: VNC requests are refused.
   */
  vnc?: VncBackend;
}

export type GuestExec = (
  command: string,
  opts: { input?: string; timeoutMs?: number },
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** A registered server with the ids each vendor would give it. */
export interface SimServer extends SimRegistration {
  /** Nova / ConoHa server UUID. */
  uuid: string;
  /** Proxmox vmid (100, 101, …). */
  vmid: number;
  /** Linode instance id and Hetzner server id. */
  numericId: number;
  /** Switches a test may flip while the simulator runs. */
  serialPort: boolean;
  guestAgent: boolean;
}

export const PROXMOX_NODE = 'lab';

export function toSimServers(registrations: readonly SimRegistration[]): SimServer[] {
  return registrations.map((r, i) => ({
    name: r.name,
    address: r.address,
    consoleSocket: r.consoleSocket,
    rescueSystem: r.rescueSystem,
    vnc: r.vnc,
    // A LabServer's exec is a method: bound here so the simulator can call it on its own.
    exec: r.exec ? (command, opts) => r.exec!.call(r, command, opts) : undefined,
    serialPort: r.serialPort ?? true,
    guestAgent: r.guestAgent ?? true,
    uuid: randomUUID(),
    vmid: 100 + i,
    numericId: 4000 + i,
  }));
}

/**
 * Console gateways the simulator starts on demand, each backed by a fresh connection to the lab
 * server's console socket per client, all closed with the simulator.
 */
export interface GatewayTimings {
  /** nova [consoleauth] token_ttl: a token opens new sessions for this long (default 600 s). */
  novaTokenTtlMs?: number;
  /** termproxy (and vncproxy) waits this long for its one connection, then exits (default 10 s). */
  termproxyAcceptMs?: number;
  /** Hetzner: a request_console URL opens new sessions for this long (default 60 s). */
  hetznerConsoleTtlMs?: number;
}

interface Termproxy {
  gateway: TermproxyGateway;
  vmid: number;
  used: boolean;
  timer: NodeJS.Timeout;
}

export class ConsoleGateways {
  private readonly closers: Array<() => Promise<void>> = [];
  /** One nova gateway per server, reached only through the serialproxy front port. */
  private readonly novaGateways = new Map<string, Promise<NovaGateway>>();
  private readonly novaTokens = new Map<string, { server: SimServer; expiresAt: number }>();
  /** Open termproxies by their TCP port (what the API returns as `port`). */
  readonly termproxies = new Map<number, Termproxy>();
  /** VNC consoles (Hetzner, Nova novnc, Proxmox vncproxy) in front of the servers' VNC backends. */
  readonly vnc: VncConsoles;

  constructor(private readonly timings: GatewayTimings = {}) {
    this.vnc = new VncConsoles(timings);
  }

  /** A fresh console token for a server, as every Nova console request gets one. */
  novaToken(server: SimServer): string {
    const token = randomUUID();
    this.novaTokens.set(token, { server, expiresAt: Date.now() + (this.timings.novaTokenTtlMs ?? 600_000) });
    return token;
  }

  /** Where a token's websocket goes: the server's gateway port and its internal token. */
  async novaTarget(token: string): Promise<{ port: number; token: string } | undefined> {
    const entry = this.novaTokens.get(token);
    if (!entry) return undefined;
    if (Date.now() > entry.expiresAt) {
      this.novaTokens.delete(token);
      return undefined;
    }
    const { server } = entry;
    let gateway = this.novaGateways.get(server.uuid);
    if (!gateway) {
      gateway = startNovaGateway({ backend: unixSocketBackend(server.consoleSocket) });
      this.novaGateways.set(server.uuid, gateway);
      this.closers.push(async () => (await gateway!).close());
    }
    const g = await gateway;
    return { port: g.port, token: g.token };
  }

  /** A termproxy for one VM; the ticket is checked by the gateway in the first websocket message. */
  async termproxy(server: SimServer, user: string, ticket: string): Promise<number> {
    const gateway = await startTermproxyGateway({
      backend: unixSocketBackend(server.consoleSocket),
      user,
      ticket,
    });
    const port = Number(new URL(gateway.url).port);
    const timer = setTimeout(() => {
      if (!this.termproxies.get(port)?.used) this.endTermproxy(port);
    }, this.timings.termproxyAcceptMs ?? 10_000);
    timer.unref();
    this.termproxies.set(port, { gateway, vmid: server.vmid, used: false, timer });
    this.closers.push(() => gateway.close());
    return port;
  }

  /** The one connection a termproxy accepts; false if it was used or has exited. */
  claimTermproxy(port: number): boolean {
    const entry = this.termproxies.get(port);
    if (!entry || entry.used) return false;
    entry.used = true;
    return true;
  }

  endTermproxy(port: number): void {
    const entry = this.termproxies.get(port);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.termproxies.delete(port);
    void entry.gateway.close();
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
        if (!server) return Promise.reject(new Error(`no server labelled ${label}`));
        // In rescue mode the Linode's console is the rescue OS's (Finnix), as on Linode.
        const rescue = server.rescueSystem?.inRescue ? server.rescueSystem.consoleSocket : undefined;
        return unixSocketBackend(rescue ?? server.consoleSocket)();
      },
    });
    started.gateway = gateway;
    this.closers.push(() => gateway.close());
    return gateway;
  }

  async closeAll(): Promise<void> {
    for (const entry of this.termproxies.values()) clearTimeout(entry.timer);
    this.termproxies.clear();
    this.novaTokens.clear();
    this.vnc.closeAll();
    await Promise.allSettled(this.closers.splice(0).map((close) => close()));
  }
}

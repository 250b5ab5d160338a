import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayTimings, SimServer } from './servers.js';
import { VncProxy } from './vnc-proxy.js';

/**
 * Who handed the console out (a provider id, or `nova` for the protocol two providers share): a
 * websocket is claimed only by the issuer its URL belongs to.
 */
export type VncIssuer = string;

export interface VncGrant {
  issuer: VncIssuer;
  server: SimServer;
  /** secret: the VNC auth password the client must answer; none: security type None. */
  password?: string;
  expiresAt: number;
  /** One connection only (Proxmox's vncproxy serves one client, then exits). */
  singleUse: boolean;
  /** Proxmox: the port vncproxy answered, which the websocket must name. */
  port?: number;
}

/**
 * VNC consoles the vendor APIs hand out, by token (Hetzner, Nova) or ticket (Proxmox), each leading
 * to the server's registered VNC backend through the security proxy. Grants are checked when the
 * websocket arrives; an established session is never cut when its grant expires.
 */
export class VncConsoles {
  private readonly grants = new Map<string, VncGrant>();
  private readonly proxy = new VncProxy();
  /** vncproxy ports, counted from 5900 (the range Proxmox hands VNC proxies out from). */
  private nextPort = 5900;

  constructor(readonly timings: GatewayTimings = {}) {}

  /** A Nova console token: many connections until token_ttl, no VNC password (noVNC connects with None). */
  nova(server: SimServer): string {
    const token = randomBytes(18).toString('hex');
    this.add(token, { issuer: 'nova', server, ttl: this.timings.novaTokenTtlMs ?? 600_000 });
    return token;
  }

  /** The next VNC proxy port, counted from 5900 (the range Proxmox hands VNC proxies out from). */
  allocatePort(): number {
    return this.nextPort++;
  }

  /** The grant a websocket presents, if it is still good; a single-use grant is spent by this. */
  claim(
    issuer: VncIssuer,
    token: string,
    check: (g: VncGrant) => boolean = () => true,
  ): VncGrant | undefined {
    const grant = this.grants.get(token);
    if (!grant || grant.issuer !== issuer || !check(grant)) return undefined;
    if (grant.singleUse || Date.now() > grant.expiresAt) this.grants.delete(token);
    return Date.now() > grant.expiresAt ? undefined : grant;
  }

  /** Relays an accepted websocket to the grant's server; false when the server has no VNC backend. */
  serve(req: IncomingMessage, socket: Duplex, head: Buffer, grant: VncGrant): boolean {
    const backend = grant.server.vnc;
    if (!backend) return false;
    this.proxy.serve(req, socket, head, backend, grant.password);
    return true;
  }

  closeAll(): void {
    this.grants.clear();
    this.proxy.closeAll();
  }

  /** A console handed out under `token`: good until `ttl` ms from now, once if `singleUse`. */
  add(
    token: string,
    g: {
      issuer: VncIssuer;
      server: SimServer;
      password?: string;
      ttl: number;
      singleUse?: boolean;
      port?: number;
    },
  ): void {
    this.grants.set(token, {
      issuer: g.issuer,
      server: g.server,
      ...(g.password !== undefined ? { password: g.password } : {}),
      expiresAt: Date.now() + g.ttl,
      singleUse: g.singleUse ?? false,
      ...(g.port !== undefined ? { port: g.port } : {}),
    });
  }
}

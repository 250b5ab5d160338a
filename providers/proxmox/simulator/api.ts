import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import {
  header,
  json,
  route,
  sameSecret,
  type Route,
  type SimReply,
  type SimRequest,
} from '../../../lab/simulator/http.js';
import { AGENT_DOWN, GuestAgentExecs } from './agent.js';
import { refuseUpgrade, relayUpgrade } from '../../../lab/simulator/relay.js';
import { PROXMOX_NODE, type ConsoleGateways, type SimServer } from '../../../lab/simulator/servers.js';

/**
 * Proxmox VE's API as pveproxy answers it: API token or ticket (cookie + CSRF header on writes),
 * cluster resources, guest-agent addresses and exec, VM config with a serial socket (or none), termproxy; and the
 * vncwebsocket upgrade on the API port, which checks the same auth and the VNC ticket and is then
 * relayed to the termproxy gateway listening on the returned port.
 */
export interface ProxmoxAccount {
  /** e.g. root@pam!rescue=<secret> as PROXMOX_VE_API_TOKEN carries it. */
  tokenId: string;
  tokenSecret: string;
  username: string;
  password: string;
}

type Auth = { authid: string } | { error: string };

const SIM_CERT = '-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n';
/** One package as GET nodes/{node}/apt/versions lists it (installed, as `OldVersion`). */
const aptPackage = (name: string, title: string, version: string) => ({
  Package: name,
  Title: title,
  Description: title,
  Version: version,
  OldVersion: version,
  CurrentState: 'Installed',
  Arch: 'amd64',
  Origin: 'Proxmox',
  Priority: 'optional',
  Section: 'admin',
});
const failed = (reason: string): SimReply => ({ status: 401, body: { data: null }, statusText: reason });
const data = (value: unknown): SimReply => json(200, { data: value });
/** pveproxy reports most errors as HTTP 500 with the message as the reason phrase. */
const error500 = (message: string): SimReply => ({
  status: 500,
  body: { data: null, message: `${message}\n` },
  statusText: message,
});

export class ProxmoxApi {
  private readonly tickets = new Map<string, { user: string; csrf: string }>();
  private readonly agent = new GuestAgentExecs();

  constructor(
    private readonly account: ProxmoxAccount,
    private readonly servers: () => SimServer[],
    private readonly consoles: ConsoleGateways,
  ) {}

  authenticate(req: Pick<SimRequest, 'headers' | 'method'>): Auth {
    const authorization = header(req, 'authorization');
    if (authorization?.startsWith('PVEAPIToken=')) {
      const value = authorization.slice('PVEAPIToken='.length);
      const sep = value.indexOf('=');
      const id = value.slice(0, sep);
      const secret = value.slice(sep + 1);
      if (sep > 0 && id === this.account.tokenId && sameSecret(secret, this.account.tokenSecret)) {
        return { authid: id };
      }
      return { error: 'invalid token value!' };
    }
    const cookie = /(?:^|;\s*)PVEAuthCookie=([^;]+)/.exec(header(req, 'cookie') ?? '')?.[1];
    if (!cookie) return { error: 'No ticket' };
    const session = this.tickets.get(decodeURIComponent(cookie));
    if (!session) return { error: 'invalid PVE ticket' };
    if (req.method !== 'GET' && !sameSecret(header(req, 'csrfpreventiontoken'), session.csrf)) {
      return { error: 'Permission denied - invalid csrf token' };
    }
    return { authid: session.user };
  }

  private login(req: SimRequest): SimReply {
    const { username, password } = req.body;
    if (username !== this.account.username || !sameSecret(String(password ?? ''), this.account.password)) {
      return failed('authentication failure');
    }
    const stamp = Math.floor(Date.now() / 1000)
      .toString(16)
      .toUpperCase();
    const ticket = `PVE:${username}:${stamp}::${randomBytes(32).toString('base64')}`;
    const csrf = `${stamp}:${randomBytes(20).toString('base64url')}`;
    this.tickets.set(ticket, { user: username, csrf });
    return data({ username, ticket, CSRFPreventionToken: csrf, cap: {} });
  }

  private vm(node: string | undefined, vmid: string | undefined): SimServer | SimReply {
    if (node !== PROXMOX_NODE)
      return { status: 595, body: { data: null }, statusText: `no such node '${node}'` };
    const server = this.servers().find((s) => String(s.vmid) === vmid);
    return server ?? error500(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  }

  routes(): Route[] {
    const guarded =
      (handler: (req: SimRequest, m: RegExpExecArray, authid: string) => SimReply | Promise<SimReply>) =>
      (req: SimRequest, m: RegExpExecArray) => {
        const auth = this.authenticate(req);
        return 'error' in auth ? failed(auth.error) : handler(req, m, auth.authid);
      };
    const withVm =
      (handler: (server: SimServer, req: SimRequest, authid: string) => SimReply | Promise<SimReply>) =>
      (req: SimRequest, m: RegExpExecArray, authid: string) => {
        const found = this.vm(m[1], m[2]);
        return 'status' in found ? found : handler(found, req, authid);
      };
    const VM = String.raw`^\/nodes\/([^/]+)\/qemu\/(\d+)`;
    return [
      route('POST', /^\/access\/ticket$/, (req) => this.login(req)),
      route(
        'GET',
        /^\/cluster\/resources$/,
        guarded((req) => {
          const type = req.query.get('type');
          const vms = this.servers().map((s) => ({
            id: `qemu/${s.vmid}`,
            type: 'qemu',
            vmid: s.vmid,
            name: s.name,
            node: PROXMOX_NODE,
            status: 'running',
            template: 0,
            maxcpu: 1,
            maxmem: 1073741824,
            uptime: 60,
          }));
          return data(type === null || type === 'vm' ? vms : []);
        }),
      ),
      route(
        'GET',
        new RegExp(`${VM}/agent/network-get-interfaces$`),
        guarded(
          withVm((s) =>
            !s.guestAgent
              ? error500(AGENT_DOWN)
              : data({
                  result: [
                    {
                      name: 'lo',
                      'hardware-address': '00:00:00:00:00:00',
                      'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }],
                    },
                    {
                      name: 'eth0',
                      'hardware-address': 'bc:24:11:00:00:01',
                      'ip-addresses': [{ 'ip-address': s.address, 'ip-address-type': 'ipv4', prefix: 24 }],
                    },
                  ],
                }),
          ),
        ),
      ),
      // The simulated termproxy takes API tokens, as qemu-server >= 9.1.7 does (/access/vncticket).
      route(
        'GET',
        /^\/nodes\/([^/]+)\/apt\/versions$/,
        guarded(() =>
          data([
            aptPackage('pve-manager', 'The Proxmox Virtual Environment', '9.1.2'),
            aptPackage('qemu-server', 'Qemu Server Tools', '9.1.7'),
          ]),
        ),
      ),
      route(
        'GET',
        new RegExp(`${VM}/config$`),
        guarded(
          withVm((s) =>
            data({
              name: s.name,
              ...(s.serialPort ? { serial0: 'socket', vga: 'serial0' } : { vga: 'std' }),
              ...(s.guestAgent ? { agent: '1' } : {}),
              cores: 1,
            }),
          ),
        ),
      ),
      route(
        'POST',
        new RegExp(`${VM}/termproxy$`),
        guarded(
          withVm(async (s, req, authid) => {
            const serial = req.body.serial;
            // A real PVE starts termproxy anyway and `qm terminal` exits at once with this message.
            if (!s.serialPort) return error500('unable to find a serial interface');
            if (serial !== undefined && serial !== 'serial0')
              return error500(`VM ${s.vmid} has no ${String(serial)}`);
            const stamp = Math.floor(Date.now() / 1000)
              .toString(16)
              .toUpperCase();
            const ticket = `PVEVNC:${stamp}::${randomBytes(24).toString('base64')}`;
            const port = await this.consoles.termproxy(s, authid, ticket);
            const upid = `UPID:${PROXMOX_NODE}:0000${s.vmid}:00000000:${stamp}:vncproxy:${s.vmid}:${authid}:`;
            return data({ port: String(port), ticket, upid, user: authid });
          }),
        ),
      ),
      ...this.agent.routes(VM, (handler) => guarded(withVm((s, req) => handler(s, req)))),
      route(
        'POST',
        new RegExp(`${VM}/vncproxy$`),
        guarded(
          withVm((s, req, authid) => {
            // A VM registered without a VNC backend has no display the lab could show.
            if (!s.vnc) return { status: 501, body: { data: null }, statusText: 'Method not implemented' };
            // The adapter asks for websocket=1 (noVNC's way); the other mode is not simulated.
            if (String(req.body.websocket ?? '0') !== '1')
              return error500('the simulator serves vncproxy with websocket=1 only');
            const stamp = Math.floor(Date.now() / 1000)
              .toString(16)
              .toUpperCase();
            const ticket = `PVEVNC:${stamp}::${randomBytes(24).toString('base64')}`;
            // vncproxy serves one connection within its accept window; the ticket is also the VNC password.
            const port = this.consoles.vnc.allocatePort();
            this.consoles.vnc.add(ticket, {
              issuer: 'proxmox',
              server: s,
              password: ticket,
              ttl: this.consoles.vnc.timings.termproxyAcceptMs ?? 10_000,
              singleUse: true,
              port,
            });
            const upid = `UPID:${PROXMOX_NODE}:0000${s.vmid}:00000000:${stamp}:vncproxy:${s.vmid}:${authid}:`;
            // PVE also hands over the node's certificate (required in its schema); the simulator serves plain
            // HTTP, so this one is a placeholder nobody verifies against.
            return data({ port: String(port), ticket, upid, user: authid, cert: SIM_CERT });
          }),
        ),
      ),
    ];
  }

  /**
   * The vncwebsocket upgrade: same auth as the API, then port + vncticket must name a termproxy this
   * VM opened. The websocket itself is relayed to that termproxy, which checks `user:ticket\n`.
   */
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    path: string,
    query: URLSearchParams,
  ): void {
    const refuse = (status: number, reason: string) => refuseUpgrade(socket, status, reason);
    const m = /^\/nodes\/([^/]+)\/qemu\/(\d+)\/vncwebsocket$/.exec(path);
    if (!m) return refuse(404, 'Not Found');
    const auth = this.authenticate({ headers: req.headers, method: 'GET' });
    if ('error' in auth) return refuse(401, auth.error);
    const port = Number(query.get('port'));
    const ticket = query.get('vncticket') ?? '';
    // A vncproxy's ticket: good once, within its accept window, for this VM and port. Its VNC password
    // is the ticket too, but VNC auth reads only 8 characters (all "PVEVNC:…"), so this is the real check.
    const vnc = this.consoles.vnc.claim(
      'proxmox',
      ticket,
      (g) => g.port === port && String(g.server.vmid) === m[2],
    );
    if (vnc) {
      if (!this.consoles.vnc.serve(req, socket, head, vnc)) refuse(502, 'Bad Gateway');
      return;
    }
    const open = this.consoles.termproxies.get(port);
    if (!open || String(open.vmid) !== m[2] || !sameSecret(ticket, open.gateway.ticket)) {
      return refuse(401, 'permission denied - invalid vnc ticket');
    }
    // termproxy serves one connection and exits: a second one finds nothing listening.
    if (!this.consoles.claimTermproxy(port)) return refuse(502, 'Bad Gateway');
    relayUpgrade(req, socket, head, {
      port,
      dropHeaders: /^(authorization|cookie|csrfpreventiontoken)$/i,
      onClose: () => this.consoles.endTermproxy(port),
    });
  }
}

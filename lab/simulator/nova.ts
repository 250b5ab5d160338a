import { header, json, route, type Route, type SimReply, type SimRequest } from './http.js';
import type { Keystone } from './keystone.js';
import { unauthorized } from './keystone.js';
import { refuseUpgrade, relayUpgrade } from './relay.js';
import type { ConsoleGateways, SimServer } from './servers.js';
import type { UpgradeRoute } from './vendor.js';

/**
 * Nova compute as OpenStack and ConoHa answer it: servers/detail with regex filters (ip, name),
 * server by id, 2.6 remote-consoles and the legacy os-getSerialConsole action, 401 without a valid
 * token. Serial consoles are nova-serialproxy websockets in front of the lab server's console; noVNC
 * consoles (servers registered with `vnc`) are a page URL whose token leads the websocket on the same
 * port to the server's VNC display.
 */
export interface NovaOptions {
  keystone: Keystone;
  servers: () => SimServer[];
  consoles: ConsoleGateways;
  projectId: string;
  userId: string;
  /** ws://host:port of the serialproxy front (the simulator's own port). */
  serialproxy: () => string;
  /** ConoHa: name = the address with dashes, display name in metadata.instance_name_tag. */
  conoha: boolean;
}

const itemNotFound = (message: string): SimReply => json(404, { itemNotFound: { code: 404, message } });
const badRequest = (message: string): SimReply => json(400, { badRequest: { code: 400, message } });

/** The compute microversion a request asked for; none means the base 2.1. */
function microversion(req: SimRequest): [number, number] {
  const value =
    header(req, 'openstack-api-version')?.replace(/^compute\s+/i, '') ??
    header(req, 'x-openstack-nova-api-version');
  const m = /^(\d+)\.(\d+)$/.exec(value?.trim() ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [2, 1];
}
const atLeast = (v: [number, number], major: number, minor: number) =>
  v[0] > major || (v[0] === major && v[1] >= minor);

function regex(pattern: string | null): RegExp | undefined | 'invalid' {
  if (pattern === null) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return 'invalid';
  }
}

export function novaServer(server: SimServer, o: Pick<NovaOptions, 'conoha' | 'projectId' | 'userId'>) {
  const dashed = server.address.replace(/\./g, '-');
  const network = o.conoha ? `ext-${dashed.replace(/-\d+$/, '-0')}-24` : 'lab-net';
  return {
    id: server.uuid,
    name: o.conoha ? dashed : server.name,
    status: 'ACTIVE',
    tenant_id: o.projectId,
    user_id: o.userId,
    metadata: o.conoha ? { instance_name_tag: server.name } : {},
    hostId: 'lab',
    image: { id: 'debian-lab', links: [] },
    flavor: { id: 'lab', links: [] },
    addresses: {
      [network]: [
        {
          addr: server.address,
          version: 4,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:00',
        },
      ],
    },
    accessIPv4: '',
    accessIPv6: '',
    key_name: null,
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-STS:power_state': 1,
    'OS-EXT-STS:task_state': null,
    'OS-EXT-STS:vm_state': 'active',
    progress: 0,
    links: [],
  };
}

/** Routes relative to the compute root (…/v2.1 or ConoHa 2.0's …/v2/{tenant}). */
export function novaRoutes(o: NovaOptions): Route[] {
  const guarded =
    (handler: (req: SimRequest, m: RegExpExecArray) => SimReply | Promise<SimReply>) =>
    (req: SimRequest, m: RegExpExecArray) => (o.keystone.valid(req) ? handler(req, m) : unauthorized());
  const byId = (id: string | undefined) => o.servers().find((s) => s.uuid === id);
  const notFoundId = (id: string | undefined) => itemNotFound(`Instance ${id ?? ''} could not be found.`);

  const list = (req: SimRequest): SimReply => {
    const ip = regex(req.query.get('ip'));
    const name = regex(req.query.get('name'));
    if (ip === 'invalid' || name === 'invalid') return badRequest('Invalid regular expression in filter.');
    // Lab servers have IPv4 only: an ip6 filter matches nothing.
    const ip6 = req.query.get('ip6');
    const servers = o
      .servers()
      .map((s) => novaServer(s, o))
      .filter(
        (s) =>
          !ip ||
          Object.values(s.addresses)
            .flat()
            .some((a) => ip.test(a.addr)),
      )
      .filter((s) => !name || name.test(s.name))
      .filter(() => ip6 === null);
    return json(200, { servers });
  };

  const remoteConsole = (req: SimRequest, m: RegExpExecArray): SimReply => {
    const server = byId(m[1]);
    if (!atLeast(microversion(req), 2, 6)) return itemNotFound('The resource could not be found.');
    if (!server) return notFoundId(m[1]);
    const remote = req.body.remote_console as { protocol?: string; type?: string } | undefined;
    if (remote?.protocol === 'vnc' && remote.type === 'novnc' && server.vnc) {
      return json(200, { remote_console: { protocol: 'vnc', type: 'novnc', url: novncUrl(server, false) } });
    }
    if (!remote || remote.protocol !== 'serial' || remote.type !== 'serial') {
      // Nova says this when a console type is disabled (here: a server without a VNC backend).
      return badRequest(`Unavailable console type ${remote?.type ?? ''}.`);
    }
    const url = `${o.serialproxy()}/?token=${o.consoles.novaToken(server)}`;
    return json(200, { remote_console: { protocol: 'serial', type: 'serial', url } });
  };

  /**
   * The noVNC page on the simulator's port: Nova puts the websocket's query in `path`
   * (vnc_auto.html?path=%3Ftoken%3D…), ConoHa 2.0's legacy action the token itself.
   */
  const novncUrl = (server: SimServer, tokenInQuery: boolean): string => {
    const token = o.consoles.vnc.nova(server);
    const page = `${o.serialproxy().replace(/^ws/, 'http')}/vnc_auto.html`;
    return tokenInQuery ? `${page}?token=${token}` : `${page}?path=${encodeURIComponent(`?token=${token}`)}`;
  };

  const action = (req: SimRequest, m: RegExpExecArray): SimReply => {
    const server = byId(m[1]);
    if (!server) return notFoundId(m[1]);
    const serial = req.body['os-getSerialConsole'] as { type?: string } | undefined;
    const vnc = req.body['os-getVNCConsole'] as { type?: string } | undefined;
    // Removed from the API at 2.6 in favour of remote-consoles.
    if ((!serial && !vnc) || atLeast(microversion(req), 2, 6)) {
      const name = Object.keys(req.body)[0] ?? '';
      return badRequest(`There is no such action: ${name}`);
    }
    if (vnc) {
      if (vnc.type !== 'novnc' || !server.vnc)
        return badRequest(`Unavailable console type ${vnc.type ?? ''}.`);
      return json(200, { console: { type: 'novnc', url: novncUrl(server, o.conoha) } });
    }
    if (serial?.type !== 'serial') return badRequest(`Unavailable console type ${serial?.type ?? ''}.`);
    const url = `${o.serialproxy()}/?token=${o.consoles.novaToken(server)}`;
    return json(200, { console: { type: 'serial', url } });
  };

  return [
    route('GET', /^\/servers\/detail$/, guarded(list)),
    route(
      'GET',
      /^\/servers\/([^/]+)$/,
      guarded((_req, m) => {
        const server = byId(m[1]);
        return server ? json(200, { server: novaServer(server, o) }) : notFoundId(m[1]);
      }),
    ),
    route('POST', /^\/servers\/([^/]+)\/remote-consoles$/, guarded(remoteConsole)),
    route('POST', /^\/servers\/([^/]+)\/action$/, guarded(action)),
  ];
}

export const nova404 = () =>
  json(404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });

/**
 * nova-serialproxy and novncproxy: console tokens at the simulator's root path (`/?token=`), shared
 * by every Nova cloud simulated. A noVNC token leads to the server's VNC backend, any other token to
 * its serial gateway.
 */
export function novaConsoleUpgrade(consoles: ConsoleGateways): UpgradeRoute {
  return {
    matches: () => true,
    fallback: true,
    handle: ({ req, socket, head, url, logAs }) => {
      const token = url.searchParams.get('token');
      const novnc = token ? consoles.vnc.claim('nova', token) : undefined;
      logAs(novnc ? 'nova-novncproxy' : 'nova-serialproxy');
      if (url.pathname !== '/' || !token) return refuseUpgrade(socket, 404, 'Not Found');
      if (novnc) {
        if (!consoles.vnc.serve(req, socket, head, novnc)) refuseUpgrade(socket, 502, 'Bad Gateway');
        return;
      }
      void consoles.novaTarget(token).then(
        (target) =>
          target
            ? relayUpgrade(req, socket, head, { port: target.port, path: `/?token=${target.token}` })
            : refuseUpgrade(socket, 401, 'Invalid Token'),
        () => refuseUpgrade(socket, 502, 'Bad Gateway'),
      );
    },
  };
}

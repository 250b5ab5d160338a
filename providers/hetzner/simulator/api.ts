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
import type { SimServer } from '../../../lab/simulator/servers.js';
import type { VncConsoles } from '../../../lab/simulator/vnc-consoles.js';

/**
 * Hetzner Cloud API v1 as the adapter uses it: Bearer token, servers by name/label (IPs matched by
 * the client), actions that run and are polled, and the rescue system: enable_rescue (answers the
 * rescue root password), reset (boots into the rescue system while it is enabled, which disables it
 * again, as Hetzner does on the first rescue boot), disable_rescue. The reset drives the lab server
 * through its registration's `rescueSystem`. request_console hands out a websocket URL with a token and
 * a VNC password for a server registered with `vnc`.
 */
export interface HetznerAccount {
  token: string;
}

interface SimAction {
  id: number;
  command: string;
  serverId: number;
  status: 'running' | 'success' | 'error';
  started: string;
  finished: string | null;
  error: { code: string; message: string } | null;
}

interface RescueState {
  enabled: boolean;
  password?: string;
}

const error = (status: number, code: string, message: string): SimReply =>
  json(status, { error: { code, message, details: {} } });

export function hetznerServer(s: SimServer, rescueEnabled: boolean) {
  return {
    id: s.numericId,
    name: s.name,
    status: 'running',
    created: '2024-05-01T10:00:00+00:00',
    public_net: {
      ipv4: { id: s.numericId * 10, ip: s.address, blocked: false, dns_ptr: `lab-${s.numericId}.example` },
      ipv6: null,
      floating_ips: [],
      firewalls: [],
    },
    private_net: [],
    server_type: { id: 1, name: 'cx22', cores: 2, memory: 4.0, disk: 40 },
    // The API's shape since 2026-07: `location` at the top level, `datacenter` gone (hcloud-go 0922bba).
    location: {
      id: 1,
      name: 'fsn1',
      description: 'Falkenstein DC Park 1',
      city: 'Falkenstein',
      country: 'DE',
      network_zone: 'eu-central',
    },
    image: { id: 114690387, type: 'system', name: 'debian-12', os_flavor: 'debian' },
    iso: null,
    rescue_enabled: rescueEnabled,
    locked: false,
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: 21990232555520,
    protection: { delete: false, rebuild: false },
    labels: {},
    volumes: [],
    load_balancers: [],
    primary_disk_size: 40,
  };
}

export function hetznerRoutes(
  account: HetznerAccount,
  servers: () => SimServer[],
  vnc?: { consoles: VncConsoles; base: () => string },
): Route[] {
  const actions = new Map<number, SimAction>();
  const rescue = new Map<number, RescueState>();
  let nextAction = 100;
  const stateOf = (s: SimServer) => rescue.get(s.numericId) ?? { enabled: false };

  const guarded =
    (handler: (req: SimRequest, m: RegExpExecArray) => SimReply | Promise<SimReply>) =>
    (req: SimRequest, m: RegExpExecArray) => {
      const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
      return sameSecret(bearer, account.token)
        ? handler(req, m)
        : error(401, 'unauthorized', 'unable to authenticate');
    };
  const byId = (id: string) => servers().find((s) => String(s.numericId) === id);
  const notFound = (id: string) => error(404, 'not_found', `server with ID '${id}' not found`);
  const actionJson = (a: SimAction) => ({
    id: a.id,
    command: a.command,
    status: a.status,
    progress: a.status === 'running' ? 0 : 100,
    started: a.started,
    finished: a.finished,
    resources: [{ id: a.serverId, type: 'server' }],
    error: a.error,
  });
  /** An action that runs `work` in the background; polled through GET /actions/{id}. */
  const start = (command: string, s: SimServer, work?: () => Promise<void>): SimAction => {
    const a: SimAction = {
      id: nextAction++,
      command,
      serverId: s.numericId,
      status: work ? 'running' : 'success',
      started: new Date().toISOString(),
      finished: work ? null : new Date().toISOString(),
      error: null,
    };
    actions.set(a.id, a);
    if (work) {
      void work().then(
        () => Object.assign(a, { status: 'success', finished: new Date().toISOString() }),
        (err: unknown) =>
          Object.assign(a, {
            status: 'error',
            finished: new Date().toISOString(),
            error: { code: 'action_failed', message: (err as Error).message.split('\n')[0] },
          }),
      );
    }
    return a;
  };
  const onServer =
    (handler: (s: SimServer, req: SimRequest) => SimReply | Promise<SimReply>) =>
    (req: SimRequest, m: RegExpExecArray) => {
      const s = byId(m[1]!);
      return s ? handler(s, req) : notFound(m[1]!);
    };

  return [
    route(
      'GET',
      /^\/servers$/,
      guarded((req) => {
        const name = req.query.get('name');
        const selector = req.query.get('label_selector');
        const all = servers().filter((s) => (name === null || s.name === name) && selector === null);
        const perPage = Math.min(50, Math.max(1, Number(req.query.get('per_page') ?? 25) || 25));
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const page = Math.min(last, Math.max(1, Number(req.query.get('page') ?? 1) || 1));
        return json(200, {
          servers: all
            .slice((page - 1) * perPage, page * perPage)
            .map((s) => hetznerServer(s, stateOf(s).enabled)),
          meta: {
            pagination: {
              page,
              per_page: perPage,
              previous_page: page > 1 ? page - 1 : null,
              next_page: page < last ? page + 1 : null,
              last_page: last,
              total_entries: all.length,
            },
          },
        });
      }),
    ),
    route(
      'GET',
      /^\/servers\/(\d+)$/,
      guarded(onServer((s) => json(200, { server: hetznerServer(s, stateOf(s).enabled) }))),
    ),
    route(
      'GET',
      /^\/actions\/(\d+)$/,
      guarded((_req, m) => {
        const a = actions.get(Number(m[1]));
        return a
          ? json(200, { action: actionJson(a) })
          : error(404, 'not_found', `action with ID '${m[1]}' not found`);
      }),
    ),
    route(
      'POST',
      /^\/servers\/(\d+)\/actions\/enable_rescue$/,
      guarded(
        onServer((s, req) => {
          if (req.body.type !== undefined && req.body.type !== 'linux64')
            return error(422, 'invalid_input', 'invalid input in field type');
          if (!s.rescueSystem) return error(422, 'unsupported_error', 'the lab has no rescue system for it');
          const password = randomBytes(12).toString('base64url');
          rescue.set(s.numericId, { enabled: true, password });
          return json(201, { action: actionJson(start('enable_rescue', s)), root_password: password });
        }),
      ),
    ),
    route(
      'POST',
      /^\/servers\/(\d+)\/actions\/disable_rescue$/,
      guarded(
        onServer((s) => {
          rescue.set(s.numericId, { enabled: false });
          return json(201, { action: actionJson(start('disable_rescue', s)) });
        }),
      ),
    ),
    route(
      'POST',
      /^\/servers\/(\d+)\/actions\/reset$/,
      guarded(
        onServer((s) => {
          const driver = s.rescueSystem;
          const state = stateOf(s);
          const work = async () => {
            if (!driver) return;
            if (state.enabled && state.password) {
              // Rescue mode ends with the first boot into it.
              rescue.set(s.numericId, { enabled: false });
              await driver.enter(state.password);
            } else await driver.reset();
          };
          return json(201, { action: actionJson(start('reset_server', s, work)) });
        }),
      ),
    ),
    route(
      'POST',
      /^\/servers\/(\d+)\/actions\/request_console$/,
      guarded(
        onServer((s) => {
          if (!vnc || !s.vnc) return error(422, 'unsupported_error', 'the lab has no VNC console for it');
          // request_console: a one-minute URL token and a fresh VNC password (VNC auth reads at most 8 characters).
          const token = randomBytes(24).toString('base64url');
          const password = randomBytes(6).toString('base64url');
          const ttl = vnc.consoles.timings.hetznerConsoleTtlMs ?? 60_000;
          vnc.consoles.add(token, { issuer: 'hetzner', server: s, password, ttl });
          // As the API answers: wss://console.hetzner.cloud/?server_id=…&token=…; here plain ws on loopback.
          const wss = `${vnc.base().replace(/^http/, 'ws')}/?server_id=${s.numericId}&token=${token}`;
          return json(201, { action: actionJson(start('request_console', s)), wss_url: wss, password });
        }),
      ),
    ),
  ];
}

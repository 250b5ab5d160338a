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
import { linodeJobRoutes } from './jobs.js';

/**
 * Linode API v4 as the adapter uses it: Bearer token, IP lookup, instances by id or label filter,
 * the profile (whose username logs in to Lish), and the disks and jobs of the rescue (jobs.ts). Lish
 * itself is the simulator's SSH gateway.
 */
export interface LinodeAccount {
  token: string;
  /** Cloud Manager user name: the Lish login. */
  username: string;
}

export const LINODE_REGION = 'ap-northeast';

const errors = (status: number, reason: string, field?: string): SimReply =>
  json(status, { errors: [{ reason, ...(field ? { field } : {}) }] });

export function linodeInstance(s: SimServer) {
  return {
    id: s.numericId,
    label: s.name,
    group: '',
    status: 'running',
    created: '2024-05-01T10:00:00',
    updated: '2024-05-01T10:00:00',
    type: 'g6-nanode-1',
    ipv4: [s.address],
    ipv6: null,
    image: 'linode/debian12',
    region: LINODE_REGION,
    specs: { disk: 25600, memory: 1024, vcpus: 1, gpus: 0, transfer: 1000 },
    hypervisor: 'kvm',
    watchdog_enabled: true,
    tags: [],
    capabilities: [],
  };
}

export function linodeRoutes(account: LinodeAccount, servers: () => SimServer[]): Route[] {
  const guarded =
    (handler: (req: SimRequest, m: RegExpExecArray) => SimReply) => (req: SimRequest, m: RegExpExecArray) => {
      const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
      return sameSecret(bearer, account.token) ? handler(req, m) : errors(401, 'Invalid Token');
    };
  const page = <T>(items: T[], req: SimRequest) => {
    const size = Math.min(500, Math.max(25, Number(req.query.get('page_size') ?? 100) || 100));
    const pages = Math.max(1, Math.ceil(items.length / size));
    const n = Math.min(pages, Math.max(1, Number(req.query.get('page') ?? 1) || 1));
    return { data: items.slice((n - 1) * size, n * size), page: n, pages, results: items.length };
  };
  return [
    ...linodeJobRoutes({ username: account.username, servers, guarded, errors }),
    route(
      'GET',
      /^\/profile$/,
      guarded(() =>
        json(200, {
          uid: 1,
          username: account.username,
          email: `${account.username}@example.com`,
          timezone: 'Asia/Tokyo',
          restricted: false,
          two_factor_auth: true,
          lish_auth_method: 'keys_only',
          authorized_keys: null,
        }),
      ),
    ),
    route(
      'GET',
      /^\/networking\/ips\/([^/]+)$/,
      guarded((_req, m) => {
        const address = decodeURIComponent(m[1] ?? '');
        const s = servers().find((x) => x.address === address);
        // Addresses outside the account are "Not found", as for any object one cannot see.
        if (!s) return errors(404, 'Not found');
        return json(200, {
          address,
          gateway: null,
          subnet_mask: '255.255.255.0',
          prefix: 24,
          type: 'ipv4',
          public: true,
          rdns: null,
          linode_id: s.numericId,
          region: LINODE_REGION,
        });
      }),
    ),
    route(
      'GET',
      /^\/linode\/instances\/(\d+)$/,
      guarded((_req, m) => {
        const s = servers().find((x) => String(x.numericId) === m[1]);
        return s ? json(200, linodeInstance(s)) : errors(404, 'Not found');
      }),
    ),
    route(
      'GET',
      /^\/linode\/instances$/,
      guarded((req) => {
        let filter: Record<string, unknown> = {};
        try {
          filter = JSON.parse(header(req, 'x-filter') ?? '{}') as Record<string, unknown>;
        } catch {
          return errors(400, 'Cannot parse filter');
        }
        const all = servers().map(linodeInstance);
        const matching = typeof filter.label === 'string' ? all.filter((i) => i.label === filter.label) : all;
        return json(200, page(matching, req));
      }),
    ),
  ];
}

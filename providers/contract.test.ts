import { readFileSync } from 'node:fs';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../test/support/nock-strict.js';
import { clearSecretsForTest } from '../src/secrets.js';
import { getProvider, loadProvider, PROVIDERS } from './index.js';
import type { ProviderAdapter } from './types.js';

/**
 * One behavioural contract for every adapter, from one table: a server found by id, a server that
 * is not there, and the vendor's 401, 403, 429 (with Retry-After) and 5xx mapped to the same error
 * codes everywhere; a console kind the provider does not declare refused without any API call.
 * Each row says only how its vendor answers "get this server"; the cases are the same for all.
 */
useStrictNock();
const fx = (provider: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`${provider}/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
type Reply = { status: number; body: unknown; headers?: Record<string, string> };
/** One mock per reply, in order: the same call answered differently each time. */
const answer = (call: () => nock.Interceptor, replies: Reply[]) => {
  for (const r of replies) call().reply(r.status, r.body as object, r.headers);
};

interface Row {
  id: string;
  env: Record<string, string>;
  serverId: string;
  /** Mocks one findServer({id: serverId}): the login, where the vendor needs one, then the lookup call answering each reply in turn. */
  lookup: (...replies: Reply[]) => void;
  found: unknown;
  /** The vendor's own "no such server" answer to the lookup. */
  missing: Reply;
  name: string;
  /** Mocks one findServer({name}): the login, where needed, then the listing answering `reply`. */
  byName: (reply: Reply) => void;
  /** The listing's answer with `count` servers of that name (ids differ). */
  named: (count: 1 | 2) => unknown;
  ip: string;
  /** Mocks one successful findServer({ip}), the vendor's own way of looking an address up. */
  byIp: () => void;
}
const twice = <T extends Record<string, unknown>>(
  item: T,
  count: 1 | 2,
  idKey: string,
  otherId: unknown,
): T[] => (count === 1 ? [item] : [item, { ...item, [idKey]: otherId }]);

const OS_TOKEN = 'CANARY-contract-os-token';
const C3_TOKEN = 'CANARY-contract-c3-token';
const ROWS: Row[] = [
  {
    id: 'openstack',
    env: {
      OS_AUTH_URL: 'https://keystone.example.test:5000/v3',
      OS_USERNAME: 'demo',
      OS_PASSWORD: 'CANARY-contract-pw',
      OS_PROJECT_NAME: 'demo',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
    },
    serverId: '9168b536-cd40-4630-b43f-b259807c6e87',
    lookup: (...replies) => {
      nock('https://keystone.example.test:5000')
        .post('/v3/auth/tokens')
        .reply(201, fx('openstack', 'token.json'), { 'X-Subject-Token': OS_TOKEN });
      answer(
        () =>
          nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } }).get(
            '/v2.1/servers/9168b536-cd40-4630-b43f-b259807c6e87',
          ),
        replies,
      );
    },
    found: fx('openstack', 'server.json'),
    missing: { status: 404, body: fx('openstack', 'error-404.json') },
    name: 'web-1',
    byName: ({ status, body }) => {
      nock('https://keystone.example.test:5000')
        .post('/v3/auth/tokens')
        .reply(201, fx('openstack', 'token.json'), { 'X-Subject-Token': OS_TOKEN });
      nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } })
        .get('/v2.1/servers/detail')
        .query({ name: '^web-1$' })
        .reply(status, body as object);
    },
    named: (count) => ({
      servers: twice(
        fx('openstack', 'server.json').server as Record<string, unknown>,
        count,
        'id',
        'other-id',
      ),
    }),
    ip: '203.0.113.30',
    byIp: () => {
      nock('https://keystone.example.test:5000')
        .post('/v3/auth/tokens')
        .reply(201, fx('openstack', 'token.json'), { 'X-Subject-Token': OS_TOKEN });
      nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } })
        .get('/v2.1/servers/detail')
        .query({ ip: '^203\\.0\\.113\\.30$' })
        .reply(200, { servers: [fx('openstack', 'server.json').server] });
    },
  },
  {
    id: 'conoha',
    env: {
      OS_USERNAME: 'gncu12345678',
      OS_PASSWORD: 'CANARY-contract-pw',
      OS_TENANT_ID: '0123456789abcdef0123456789abcdef',
    },
    serverId: '6d5f2c4e-0000-4000-8000-000000000001',
    lookup: (...replies) => {
      nock('https://identity.c3j1.conoha.io')
        .post('/v3/auth/tokens')
        .reply(201, fx('conoha', 'token-v3.json'), { 'x-subject-token': C3_TOKEN });
      answer(
        () =>
          nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } }).get(
            '/v2.1/servers/6d5f2c4e-0000-4000-8000-000000000001',
          ),
        replies,
      );
    },
    found: { server: (fx('conoha', 'servers-detail.json').servers as unknown[])[0] },
    missing: { status: 404, body: { itemNotFound: { code: 404, message: 'Instance could not be found.' } } },
    // ConoHa's display name is the metadata name tag: every server is listed and matched here.
    name: 'shop-web',
    byName: ({ status, body }) => {
      nock('https://identity.c3j1.conoha.io')
        .post('/v3/auth/tokens')
        .reply(201, fx('conoha', 'token-v3.json'), { 'x-subject-token': C3_TOKEN });
      nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } })
        .get('/v2.1/servers/detail')
        .reply(status, body as object);
    },
    named: (count) => ({
      servers: twice(
        (fx('conoha', 'servers-detail.json').servers as Record<string, unknown>[])[0]!,
        count,
        'id',
        'other-id',
      ),
    }),
    ip: '203.0.113.40',
    byIp: () => {
      nock('https://identity.c3j1.conoha.io')
        .post('/v3/auth/tokens')
        .reply(201, fx('conoha', 'token-v3.json'), { 'x-subject-token': C3_TOKEN });
      nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } })
        .get('/v2.1/servers/detail')
        .query({ ip: '^203\\.0\\.113\\.40$' })
        .reply(200, fx('conoha', 'servers-detail.json'));
    },
  },
  {
    id: 'proxmox',
    env: {
      PROXMOX_VE_ENDPOINT: 'https://pve.example.test:8006',
      PROXMOX_VE_API_TOKEN: 'root@pam!c=CANARY-contract-pve',
    },
    serverId: '100',
    // Proxmox has no "get VM by id" outside its node: the cluster list is the lookup.
    lookup: (...replies) => {
      answer(
        () => nock('https://pve.example.test:8006').get('/api2/json/cluster/resources').query({ type: 'vm' }),
        replies,
      );
    },
    found: fx('proxmox', 'cluster-resources.json'),
    missing: { status: 200, body: { data: [] } },
    name: 'web-1',
    byName: ({ status, body }) => {
      nock('https://pve.example.test:8006')
        .get('/api2/json/cluster/resources')
        .query({ type: 'vm' })
        .reply(status, body as object);
    },
    named: (count) => ({
      data: twice(
        (fx('proxmox', 'cluster-resources.json').data as Record<string, unknown>[])[0]!,
        count,
        'vmid',
        105,
      ),
    }),
    // Only the guest agent knows a VM's addresses: every running QEMU VM is asked.
    ip: '203.0.113.50',
    byIp: () => {
      const pve = nock('https://pve.example.test:8006');
      pve
        .get('/api2/json/cluster/resources')
        .query({ type: 'vm' })
        .reply(200, fx('proxmox', 'cluster-resources.json'));
      pve
        .get('/api2/json/nodes/pve1/qemu/100/agent/network-get-interfaces')
        .reply(200, fx('proxmox', 'agent-interfaces-100.json'));
      pve
        .get('/api2/json/nodes/pve2/qemu/101/agent/network-get-interfaces')
        .reply(500, fx('proxmox', 'agent-not-running.json'));
    },
  },
  {
    id: 'linode',
    env: { LINODE_TOKEN: 'CANARY-contract-linode' },
    serverId: '123',
    lookup: (...replies) => {
      answer(() => nock('https://api.linode.com').get('/v4/linode/instances/123'), replies);
    },
    found: fx('linode', 'instance.json'),
    missing: { status: 404, body: fx('linode', 'error-404.json') },
    name: 'web-1',
    byName: ({ status, body }) => {
      nock('https://api.linode.com', { reqheaders: { 'x-filter': '{"label":"web-1"}' } })
        .get('/v4/linode/instances')
        .query({ page: 1, page_size: 100 })
        .reply(status, body as object);
    },
    named: (count) => ({
      data: twice(fx('linode', 'instance.json'), count, 'id', 124),
      page: 1,
      pages: 1,
      results: count,
    }),
    ip: '203.0.113.20',
    byIp: () => {
      nock('https://api.linode.com')
        .get('/v4/networking/ips/203.0.113.20')
        .reply(200, fx('linode', 'ip.json'));
      nock('https://api.linode.com')
        .get('/v4/linode/instances/123')
        .reply(200, fx('linode', 'instance.json'));
    },
  },
  {
    id: 'hetzner',
    env: { HCLOUD_TOKEN: 'CANARY-contract-hcloud' },
    serverId: '42',
    lookup: (...replies) => {
      answer(() => nock('https://api.hetzner.cloud').get('/v1/servers/42'), replies);
    },
    found: fx('hetzner', 'server.json'),
    missing: { status: 404, body: fx('hetzner', 'error-not-found.json') },
    name: 'web-1',
    byName: ({ status, body }) => {
      nock('https://api.hetzner.cloud')
        .get('/v1/servers')
        .query({ name: 'web-1', page: 1, per_page: 50 })
        .reply(status, body as object);
    },
    named: (count) => ({
      servers: twice(fx('hetzner', 'server.json').server as Record<string, unknown>, count, 'id', 43),
      meta: {
        pagination: {
          page: 1,
          per_page: 50,
          previous_page: null,
          next_page: null,
          last_page: 1,
          total_entries: count,
        },
      },
    }),
    // No IP filter at Hetzner: the servers are listed and matched here.
    ip: '203.0.113.10',
    byIp: () => {
      nock('https://api.hetzner.cloud')
        .get('/v1/servers')
        .query({ page: 1, per_page: 50 })
        .reply(200, {
          servers: [fx('hetzner', 'server.json').server],
          meta: { pagination: { next_page: null } },
        });
    },
  },
  {
    id: 'sakura-cloud',
    env: {
      SAKURACLOUD_ACCESS_TOKEN: 'CANARY-contract-sakura',
      SAKURACLOUD_ACCESS_TOKEN_SECRET: 'CANARY-contract-sakura-secret',
      SAKURACLOUD_ZONE: 'is1b',
    },
    serverId: '113600000001',
    lookup: (...replies) => {
      answer(
        () => nock('https://secure.sakura.ad.jp').get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001'),
        replies,
      );
    },
    found: fx('sakura-cloud', 'server.json'),
    missing: { status: 404, body: fx('sakura-cloud', 'error-404.json') },
    name: 'web-1',
    byName: ({ status, body }) => {
      // Sakura's GET parameters are one JSON object as the whole query string.
      nock('https://secure.sakura.ad.jp')
        .get('/cloud/zone/is1b/api/cloud/1.1/server')
        .query((q) => Object.keys(q).length === 1 && JSON.parse(Object.keys(q)[0]!).From === 0)
        .reply(status, body as object);
    },
    named: (count) => ({
      From: 0,
      Count: count,
      Total: count,
      Servers: twice(
        fx('sakura-cloud', 'server.json').Server as Record<string, unknown>,
        count,
        'ID',
        '113600000077',
      ),
      is_ok: true,
    }),
    ip: '198.51.100.60',
    byIp: () => {
      nock('https://secure.sakura.ad.jp')
        .get('/cloud/zone/is1b/api/cloud/1.1/server')
        .query(true)
        .reply(200, {
          From: 0,
          Count: 1,
          Total: 1,
          Servers: [fx('sakura-cloud', 'server.json').Server],
          is_ok: true,
        });
    },
  },
];

const adapterFor = (row: Row): Promise<ProviderAdapter> =>
  loadProvider(row.id, {
    env: row.env,
    lang: 'en',
    timeoutMs: 1000,
    pollIntervalMs: 0,
    retry: { retries: 0 },
  });

describe('the adapter contract, the same cases for every provider', () => {
  beforeEach(() => clearSecretsForTest());

  it('the table has a row for every registered provider', () => {
    expect(ROWS.map((r) => r.id).sort()).toEqual(PROVIDERS.map((p) => p.id).sort());
  });

  for (const row of ROWS) {
    describe(row.id, () => {
      it('finds the server by id', async () => {
        row.lookup({ status: 200, body: row.found });
        const server = await (await adapterFor(row)).findServer({ id: row.serverId });
        expect(server).toMatchObject({ provider: row.id, id: row.serverId });
      });

      it('finds the server by its IP address', async () => {
        row.byIp();
        const server = await (await adapterFor(row)).findServer({ ip: row.ip });
        expect([...server.addresses.ipv4, ...server.addresses.ipv6]).toContain(row.ip);
      });

      it('finds the server by name; two of that name are provider.ambiguous', async () => {
        row.byName({ status: 200, body: row.named(1) });
        expect(await (await adapterFor(row)).findServer({ name: row.name })).toMatchObject({
          name: row.name,
        });
        row.byName({ status: 200, body: row.named(2) });
        await rejectsWithCode((await adapterFor(row)).findServer({ name: row.name }), 'provider.ambiguous');
      });

      it('a server that is not there is provider.not-found', async () => {
        row.lookup(row.missing);
        await rejectsWithCode((await adapterFor(row)).findServer({ id: row.serverId }), 'provider.not-found');
      });

      const errors: [number, string, Record<string, string>?][] = [
        [401, 'auth.failed'],
        [403, 'auth.forbidden'],
        [429, 'provider.rate-limited', { 'Retry-After': '7' }],
        [503, 'provider.api'],
      ];
      for (const [status, code, headers] of errors) {
        it(`${status} is ${code}, and no secret is in the error`, async () => {
          row.lookup({ status, body: {}, ...(headers ? { headers } : {}) });
          const err = await rejectsWithCode((await adapterFor(row)).findServer({ id: row.serverId }), code);
          if (status === 429) expect(err.params.retryAfter).toBe(7);
          expect(JSON.stringify(err)).not.toContain('CANARY');
        });
      }

      it('a lookup answered 503 is tried again and then succeeds (HTTP retries reach every adapter)', async () => {
        // The login (where there is one) happens once: only the lookup answers twice.
        row.lookup({ status: 503, body: {} }, { status: 200, body: row.found });
        const adapter = await loadProvider(row.id, {
          env: row.env,
          lang: 'en',
          timeoutMs: 1000,
          pollIntervalMs: 0,
          retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
        });
        expect((await adapter.findServer({ id: row.serverId })).id).toBe(row.serverId);
      });

      it('a console kind it does not declare is refused before any API call', async () => {
        const declared = getProvider(row.id).capabilities;
        const adapter = await adapterFor(row);
        const server = {
          provider: row.id,
          id: row.serverId,
          name: 'x',
          status: 'running' as const,
          vendorStatus: 'running',
          addresses: { ipv4: [], ipv6: [] },
        };
        if (!declared.includes('serialConsole'))
          await rejectsWithCode(adapter.openConsole(server, 'serial'), 'provider.unsupported');
        if (!declared.includes('vncConsole'))
          await rejectsWithCode(adapter.openConsole(server, 'vnc'), 'provider.unsupported');
        // Providers with both declared have nothing to refuse here; the case still ran without a call.
        expect(nock.pendingMocks()).toEqual([]);
      });
    });
  }
});

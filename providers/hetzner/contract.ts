import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);

/** How hetzner answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
  id: 'hetzner',
  env: { HCLOUD_TOKEN: 'CANARY-contract-hcloud' },
  serverId: '42',
  lookup: (...replies) => {
    answer(() => nock('https://api.hetzner.cloud').get('/v1/servers/42'), replies);
  },
  found: fx('server.json'),
  missing: { status: 404, body: fx('error-not-found.json') },
  name: 'web-1',
  byName: ({ status, body }) => {
    nock('https://api.hetzner.cloud')
      .get('/v1/servers')
      .query({ name: 'web-1', page: 1, per_page: 50 })
      .reply(status, body as object);
  },
  named: (count) => ({
    servers: twice(fx('server.json').server as Record<string, unknown>, count, 'id', 43),
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
        servers: [fx('server.json').server],
        meta: { pagination: { next_page: null } },
      });
  },
  // Hetzner's wss_url is valid for one minute.
  console: {
    kind: 'vnc',
    expires: true,
    answer: (secret) => {
      nock('https://api.hetzner.cloud')
        .post('/v1/servers/42/actions/request_console')
        .reply(201, {
          ...fx('request-console.json'),
          wss_url: `wss://console.hetzner.cloud/?server_id=42&token=${secret}`,
          password: `${secret}-pw`,
        });
    },
  },
};

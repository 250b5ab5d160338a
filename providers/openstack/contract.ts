import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);
const OS_TOKEN = 'CANARY-contract-os-token';

/** How openstack answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
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
      .reply(201, fx('token.json'), { 'X-Subject-Token': OS_TOKEN });
    answer(
      () =>
        nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } }).get(
          '/v2.1/servers/9168b536-cd40-4630-b43f-b259807c6e87',
        ),
      replies,
    );
  },
  found: fx('server.json'),
  missing: { status: 404, body: fx('error-404.json') },
  name: 'web-1',
  byName: ({ status, body }) => {
    nock('https://keystone.example.test:5000')
      .post('/v3/auth/tokens')
      .reply(201, fx('token.json'), { 'X-Subject-Token': OS_TOKEN });
    nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } })
      .get('/v2.1/servers/detail')
      .query({ name: '^web-1$' })
      .reply(status, body as object);
  },
  named: (count) => ({
    servers: twice(fx('server.json').server as Record<string, unknown>, count, 'id', 'other-id'),
  }),
  ip: '203.0.113.30',
  byIp: () => {
    nock('https://keystone.example.test:5000')
      .post('/v3/auth/tokens')
      .reply(201, fx('token.json'), { 'X-Subject-Token': OS_TOKEN });
    nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } })
      .get('/v2.1/servers/detail')
      .query({ ip: '^203\\.0\\.113\\.30$' })
      .reply(200, { servers: [fx('server.json').server] });
  },
  // A nova console token lasts console_token_ttl (600 s by default) and serves one connection.
  console: {
    kind: 'vnc',
    expires: true,
    answer: (secret) => {
      nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': OS_TOKEN } })
        .post('/v2.1/servers/9168b536-cd40-4630-b43f-b259807c6e87/remote-consoles')
        .reply(200, {
          remote_console: {
            protocol: 'vnc',
            type: 'novnc',
            url: `http://compute.example.test:6080/vnc_auto.html?path=%3Ftoken%3D${secret}`,
          },
        });
    },
  },
};

import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);
const C3_TOKEN = 'CANARY-contract-c3-token';

/** How conoha answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
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
      .reply(201, fx('token-v3.json'), { 'x-subject-token': C3_TOKEN });
    answer(
      () =>
        nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } }).get(
          '/v2.1/servers/6d5f2c4e-0000-4000-8000-000000000001',
        ),
      replies,
    );
  },
  found: { server: (fx('servers-detail.json').servers as unknown[])[0] },
  missing: { status: 404, body: { itemNotFound: { code: 404, message: 'Instance could not be found.' } } },
  // ConoHa's display name is the metadata name tag: every server is listed and matched here.
  name: 'shop-web',
  byName: ({ status, body }) => {
    nock('https://identity.c3j1.conoha.io')
      .post('/v3/auth/tokens')
      .reply(201, fx('token-v3.json'), { 'x-subject-token': C3_TOKEN });
    nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } })
      .get('/v2.1/servers/detail')
      .reply(status, body as object);
  },
  named: (count) => ({
    servers: twice(
      (fx('servers-detail.json').servers as Record<string, unknown>[])[0]!,
      count,
      'id',
      'other-id',
    ),
  }),
  ip: '203.0.113.40',
  byIp: () => {
    nock('https://identity.c3j1.conoha.io')
      .post('/v3/auth/tokens')
      .reply(201, fx('token-v3.json'), { 'x-subject-token': C3_TOKEN });
    nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } })
      .get('/v2.1/servers/detail')
      .query({ ip: '^203\\.0\\.113\\.40$' })
      .reply(200, fx('servers-detail.json'));
  },
  // ConoHa is Nova: a console token serves one connection and expires.
  console: {
    kind: 'vnc',
    expires: true,
    answer: (secret) => {
      nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': C3_TOKEN } })
        .post('/v2.1/servers/6d5f2c4e-0000-4000-8000-000000000001/remote-consoles')
        .reply(200, {
          remote_console: {
            protocol: 'vnc',
            type: 'novnc',
            url: `https://console.c3j1.conoha.io/vnc_auto.html?path=%3Ftoken%3D${secret}`,
          },
        });
    },
  },
};

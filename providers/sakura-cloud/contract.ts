import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);

/** How sakura-cloud answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
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
  found: fx('server.json'),
  missing: { status: 404, body: fx('error-404.json') },
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
    Servers: twice(fx('server.json').Server as Record<string, unknown>, count, 'ID', '113600000077'),
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
        Servers: [fx('server.json').Server],
        is_ok: true,
      });
  },
  // The VNC proxy's password is for one connection.
  console: {
    kind: 'vnc',
    expires: true,
    answer: (secret) => {
      nock('https://secure.sakura.ad.jp')
        .get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy')
        .reply(200, { ...fx('vnc-proxy.json'), Password: secret });
    },
  },
};

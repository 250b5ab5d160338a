import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);

/** How linode answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
  id: 'linode',
  env: { LINODE_TOKEN: 'CANARY-contract-linode', SSH_AUTH_SOCK: '/nonexistent/agent.sock' },
  serverId: '123',
  lookup: (...replies) => {
    answer(() => nock('https://api.linode.com').get('/v4/linode/instances/123'), replies);
  },
  found: fx('instance.json'),
  missing: { status: 404, body: fx('error-404.json') },
  name: 'web-1',
  byName: ({ status, body }) => {
    nock('https://api.linode.com', { reqheaders: { 'x-filter': '{"label":"web-1"}' } })
      .get('/v4/linode/instances')
      .query({ page: 1, page_size: 100 })
      .reply(status, body as object);
  },
  named: (count) => ({
    data: twice(fx('instance.json'), count, 'id', 124),
    page: 1,
    pages: 1,
    results: count,
  }),
  ip: '203.0.113.20',
  byIp: () => {
    nock('https://api.linode.com').get('/v4/networking/ips/203.0.113.20').reply(200, fx('ip.json'));
    nock('https://api.linode.com').get('/v4/linode/instances/123').reply(200, fx('instance.json'));
  },
  // Lish is an SSH gateway logged into with the engineer's own key: nothing in it expires, but the
  // profile's Lish setting is read again each time (it may have been switched off meanwhile).
  console: {
    kind: 'serial',
    expires: false,
    answer: () => {
      nock('https://api.linode.com').get('/v4/profile').reply(200, fx('profile.json'));
    },
  },
};

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow, type Reply } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);
export const PROJECT = 'rescue-lab-412907';
export const SERVICE_ACCOUNT = fileURLToPath(new URL('fixtures/service-account.json', import.meta.url));
const SERIAL_KEY = fileURLToPath(new URL('fixtures/google_compute_engine', import.meta.url));

/** The OAuth token exchange the SDK's auth library makes for a service account (JWT bearer grant). */
export const tokenExchange = (reply: Reply = { status: 200, body: fx('token.json') }) =>
  nock('https://oauth2.googleapis.com')
    .post(
      '/token',
      (body: Record<string, string>) => body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    )
    .reply(reply.status, reply.body as object);

/** aggregatedList of the project's instances, filtered as the adapter asks (or not at all). */
export const aggregated = (filter: string | undefined) =>
  nock('https://compute.googleapis.com')
    .get(`/compute/v1/projects/${PROJECT}/aggregated/instances`)
    .query((q) => q.returnPartialSuccess === 'true' && q.filter === filter && q.pageToken === undefined);

/** How gcp answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
  id: 'gcp',
  env: {
    GOOGLE_APPLICATION_CREDENTIALS: SERVICE_ACCOUNT,
    GCP_SERIAL_KEY_FILE: SERIAL_KEY,
    GCP_SERIAL_USER: 'support',
  },
  serverId: '4242424242424242424',
  // No "get by id" across zones: the aggregated list filtered on the id is the lookup.
  lookup: (...replies) => {
    tokenExchange();
    answer(() => aggregated('id = 4242424242424242424'), replies);
  },
  found: fx('instances-aggregated.json'),
  missing: { status: 200, body: fx('instances-aggregated-empty.json') },
  name: 'web-1',
  byName: ({ status, body }) => {
    tokenExchange();
    aggregated('name = "web-1"').reply(status, body as object);
  },
  named: (count) => {
    const list = fx('instances-aggregated.json') as { items: Record<string, { instances?: unknown[] }> };
    const zone = list.items['zones/europe-west1-b']!;
    zone.instances = twice(zone.instances![0] as Record<string, unknown>, count, 'id', '4242424242424242425');
    return list;
  },
  // No IP filter on repeated fields: every instance is listed and matched here (natIP, networkIP).
  ip: '203.0.113.70',
  byIp: () => {
    tokenExchange();
    aggregated(undefined).reply(200, fx('instances-aggregated.json'));
  },
  // The serial port gateway takes the engineer's own key: nothing expires, but the instance's and the
  // project's settings (serial-port-enable, ssh-keys) and Google's host key are read again each time.
  console: {
    kind: 'serial',
    expires: false,
    answer: () => {
      const instance = fx('instance.json') as { metadata: { items: unknown[] }; zone: string; name: string };
      const pub = readFileSync(`${SERIAL_KEY}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
      instance.metadata.items = [
        { key: 'serial-port-enable', value: 'TRUE' },
        { key: 'ssh-keys', value: `support:${pub} support` },
      ];
      const zone = instance.zone.split('/').at(-1)!;
      const api = nock('https://compute.googleapis.com');
      api
        .get(`/compute/v1/projects/${PROJECT}/zones/${zone}/instances/${instance.name}`)
        .reply(200, instance);
      api.get(`/compute/v1/projects/${PROJECT}`).reply(200, fx('project.json'));
      nock('https://www.gstatic.com')
        .get(`/vm_serial_port_public_keys/${zone.replace(/-[a-z]$/, '')}/${zone.replace(/-[a-z]$/, '')}.pub`)
        .reply(200, readFileSync(new URL('fixtures/europe-west1.pub', import.meta.url), 'utf8'));
    },
  },
};

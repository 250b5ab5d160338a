import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fixture, useStrictNock } from '../../test/support/nock-strict.js';
import { openApiErrors, vendorDocument } from '../../test/support/openapi-schema.js';
import type { SimServer } from '../../lab/simulator/servers.js';
import type { ServerRef } from '../types.js';
import { createAdapter } from './index.js';
import { linodeRoutes } from './simulator/api.js';

/**
 * The fixtures, the simulator's answers and the adapter's request bodies against Linode's own
 * OpenAPI document (openapi/, origin in its README), so a field written by the same hands as the
 * adapter cannot be one Linode does not send or accept.
 */
/**
 * Where the answers Linode really sends differ from the published document, each with the reason
 * the fixture follows the API and not the document. A drift that no longer occurs fails too.
 */
const { schemaOf, unexplained, unmet } = vendorDocument(
  new URL('openapi/linode-api-4.189.0.json', import.meta.url),
  {
    drift: {
      'backups.last_successful: null':
        'the document says "Displayed as null if there was no previous backup" but does not mark it nullable',
      'disk_encryption: not in the schema':
        'added to instances and disks after 4.189.0 (linodego instances.go / instance_disks.go DiskEncryption)',
      'interface_id: not in the schema':
        'added to IP addresses after 4.189.0 (linodego network_ips.go InterfaceID)',
      'vpc_nat_1_1: null': 'null when the address has no VPC NAT (linodego network_ips.go: a pointer)',
      'linode_id: null': 'an unassigned address has no Linode (linodego network_ips.go)',
      'secondary_entity: null': 'events without a second entity (linodego account_events.go: a pointer)',
      'rate: null': 'events without a rate (linodego account_events.go: a pointer)',
      'duration: null': 'a job still running has no duration yet (linodego account_events.go: a pointer)',
    },
  },
);
const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));

const INSTANCE = '/linode/instances/{linodeId}';
const FIXTURE_CALLS: [fixture: string, method: string, path: string, status?: string][] = [
  ['instance.json', 'GET', INSTANCE],
  ['instance-booting.json', 'GET', INSTANCE],
  ['instance-offline.json', 'GET', INSTANCE],
  ['instances-one.json', 'GET', '/linode/instances'],
  ['instances-empty.json', 'GET', '/linode/instances'],
  ['instances-page1.json', 'GET', '/linode/instances'],
  ['instances-page2.json', 'GET', '/linode/instances'],
  ['disks.json', 'GET', `${INSTANCE}/disks`],
  ['disks-two.json', 'GET', `${INSTANCE}/disks`],
  ['ip.json', 'GET', '/networking/ips/{address}'],
  ['ip-unassigned.json', 'GET', '/networking/ips/{address}'],
  ['profile.json', 'GET', '/profile'],
  ['events-empty.json', 'GET', '/account/events'],
  ['events-boot-started.json', 'GET', '/account/events'],
  ['events-boot-finished.json', 'GET', '/account/events'],
  ['events-boot-failed.json', 'GET', '/account/events'],
  ...(['401', '403', '404', '409', '429', '500'] as const).map((status): [string, string, string, string] => [
    `error-${status}.json`,
    'GET',
    INSTANCE,
    'default',
  ]),
];

describe('Linode fixtures fit the Linode API v4 OpenAPI document (4.189.0)', () => {
  for (const [name, method, path, status] of FIXTURE_CALLS) {
    it(`${name} ~ ${method} ${path} ${status ?? '200'}`, () => {
      expect(unexplained(schemaOf(method, path, status), read(name))).toEqual([]);
    });
  }

  it('the document declares every field the adapter reads, with the values it maps', () => {
    const instance = schemaOf('GET', INSTANCE).properties!;
    for (const field of ['id', 'label', 'status', 'region', 'ipv4', 'ipv6'])
      expect(instance).toHaveProperty(field);
    // Every status the document lists has a mapping (providers/linode/map.ts); none falls to "unknown".
    expect(instance.status!.enum).toEqual(
      expect.arrayContaining(['running', 'offline', 'booting', 'rebooting']),
    );
    expect(schemaOf('GET', '/profile').properties!.lish_auth_method!.enum).toEqual([
      'password_keys',
      'keys_only',
      'disabled',
    ]);
    const event = schemaOf('GET', '/account/events').properties!.data!.items!.properties!;
    expect(event.status!.enum).toEqual(expect.arrayContaining(['started', 'finished', 'failed']));
    expect(event.action!.enum).toEqual(expect.arrayContaining(['linode_boot', 'linode_reboot']));
  });

  it('the check itself finds a drift: an invented field, a wrong type, a value outside the enum', () => {
    const profile = schemaOf('GET', '/profile');
    expect(openApiErrors(profile, { username: 'x', lish_auth_method: 'keys', lish: true, uid: '1' })).toEqual(
      [
        '$.lish_auth_method: "keys" not in the enum',
        '$.lish: not in the schema',
        '$.uid: "1" is not an integer',
      ],
    );
  });
});

describe("the adapter's request bodies fit the document", () => {
  useStrictNock();
  const TOKEN = 'CANARY-linode-token-openapi';
  const server: ServerRef = {
    provider: 'linode',
    id: '123',
    name: 'web-1',
    status: 'running',
    vendorStatus: 'running',
    addresses: { ipv4: ['203.0.113.20'], ipv6: [] },
    location: 'ap-northeast',
    vendor: { label: 'web-1' },
  };
  it('POST …/rescue and …/reboot: the devices (sda…) and the empty reboot, each job waited for by its event', async () => {
    const api = nock('https://api.linode.com');
    api
      .get('/v4/linode/instances/123/disks')
      .query(true)
      .reply(200, fixture(import.meta.url, 'disks.json'));
    const sent: Record<string, unknown> = {};
    const capture = (name: string) => (body: unknown) => {
      sent[name] = body;
      return true;
    };
    api.post('/v4/linode/instances/123/rescue', capture('rescue')).reply(200, {});
    api.post('/v4/linode/instances/123/reboot', capture('reboot')).reply(200, {});
    api
      .get('/v4/account/events')
      .query(true)
      .times(2)
      .reply(200, fixture(import.meta.url, 'events-boot-finished.json'));
    api.get('/v4/profile').reply(200, fixture(import.meta.url, 'profile.json'));
    const adapter = await createAdapter({
      env: { LINODE_TOKEN: TOKEN, SSH_AUTH_SOCK: '/nonexistent/agent.sock' },
      lang: 'en',
      retry: { retries: 0 },
      pollIntervalMs: 0,
    });
    const access = await adapter.rescueBoot!(server);
    await adapter.exitRescue!(server);
    expect(Object.keys(access.disks ?? {})).toEqual(['/dev/sda', '/dev/sdb']);
    expect(sent.rescue).toEqual({ devices: { sda: { disk_id: 555 }, sdb: { disk_id: 556 } } });
    expect(openApiErrors(schemaOf('POST', `${INSTANCE}/rescue`, 'request'), sent.rescue)).toEqual([]);
    expect(openApiErrors(schemaOf('POST', `${INSTANCE}/reboot`, 'request'), sent.reboot)).toEqual([]);
    // The check can fail: a device named outside sda..sdh is not in the document.
    expect(
      openApiErrors(schemaOf('POST', `${INSTANCE}/rescue`, 'request'), { devices: { vda: { disk_id: 1 } } }),
    ).not.toEqual([]);
  });
});

describe('the lab simulator answers in the same document', () => {
  const account = { token: 'sim-token', username: 'lab-support' };
  // A rescue OS that boots at once: only the API's answers are looked at here.
  const rescueSystem = {
    inRescue: false,
    enter: async () => void (rescueSystem.inRescue = true),
    leave: async () => void (rescueSystem.inRescue = false),
    reset: async () => {},
    close: async () => {},
  };
  const server = {
    name: 'web-1',
    address: '127.0.0.2',
    numericId: 4000,
    rescueSystem,
  } as unknown as SimServer;
  const routes = linodeRoutes(account, () => [server]);
  const call = async (path: string, opts: { method?: string; body?: Record<string, unknown> } = {}) => {
    const method = opts.method ?? 'GET';
    const found = routes.find((r) => r.method === method && r.path.test(path));
    if (!found) throw new Error(`no simulator route for ${method} ${path}`);
    const reply = await found.handler(
      {
        method,
        path,
        query: new URLSearchParams(),
        headers: {
          authorization: `Bearer ${account.token}`,
          'x-filter': JSON.stringify({ 'entity.id': 4000, created: { '+gte': '2020-01-01T00:00:00' } }),
        },
        body: opts.body ?? {},
      },
      found.path.exec(path)!,
    );
    return reply;
  };
  const SIM_CALLS: [path: string, schemaPath: string][] = [
    ['/profile', '/profile'],
    ['/networking/ips/127.0.0.2', '/networking/ips/{address}'],
    ['/linode/instances/4000', INSTANCE],
    ['/linode/instances', '/linode/instances'],
    ['/linode/instances/4000/disks', `${INSTANCE}/disks`],
  ];
  for (const [path, schemaPath] of SIM_CALLS) {
    it(`GET ${path}`, async () => {
      const reply = await call(path);
      expect(reply.status, path).toBe(200);
      expect(unexplained(schemaOf('GET', schemaPath), reply.body)).toEqual([]);
    });
  }

  it('POST …/rescue and …/reboot answer {} and write linode_boot / linode_reboot events', async () => {
    const rescue = await call('/linode/instances/4000/rescue', {
      method: 'POST',
      body: { devices: { sda: { disk_id: 40000 }, sdb: { disk_id: 40001 } } },
    });
    expect(rescue.status).toBe(200);
    expect(unexplained(schemaOf('POST', `${INSTANCE}/rescue`), rescue.body)).toEqual([]);
    expect(rescueSystem.inRescue).toBe(true);
    const reboot = await call('/linode/instances/4000/reboot', { method: 'POST' });
    expect(unexplained(schemaOf('POST', `${INSTANCE}/reboot`), reboot.body)).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(rescueSystem.inRescue).toBe(false);
    const events = await call('/account/events');
    expect(unexplained(schemaOf('GET', '/account/events'), events.body)).toEqual([]);
    const listed = (events.body as { data: { action: string; status: string }[] }).data;
    expect(listed.map((e) => [e.action, e.status])).toEqual([
      ['linode_reboot', 'finished'],
      ['linode_boot', 'finished'],
    ]);
    // A disk of another Linode, or a slot Finnix does not have, is refused as Linode does.
    const foreign = await call('/linode/instances/4000/rescue', {
      method: 'POST',
      body: { devices: { sdh: { disk_id: 40000 } } },
    });
    expect(foreign.status).toBe(400);
    expect(unexplained(schemaOf('POST', `${INSTANCE}/rescue`, 'default'), foreign.body)).toEqual([]);
  });
});

describe('the list of known drifts stays true', () => {
  it('every drift listed above was met by a fixture or the simulator', () => {
    // Runs after the fixture and simulator cases above (vitest runs a file's tests in order).
    expect(unmet()).toEqual([]);
  });
});

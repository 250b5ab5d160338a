import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fixture, useStrictNock } from '../../test/support/nock-strict.js';
import { openApiErrors, vendorDocument } from '../../test/support/openapi-schema.js';
import type { SimServer } from '../../lab/simulator/servers.js';
import type { ServerRef } from '../types.js';
import { createAdapter } from './index.js';
import { hetznerRoutes } from './simulator/api.js';

/**
 * The fixtures, the simulator's answers and the adapter's request bodies against Hetzner's published
 * OpenAPI description (openapi/, origin in its README).
 */
/**
 * Fixtures carry only what identifies server_type, image and location (the adapter reads none of their
 * other fields). Where the API differs from the document, the reason; a drift that no longer occurs fails.
 */
const { schemaOf, unexplained, unmet } = vendorDocument(new URL('openapi/hcloud.json', import.meta.url), {
  trimmed: ['server_type', 'image', 'location'],
  drift: {
    'datacenter: required but missing':
      'the server object lost `datacenter` after 2026-07-01 (hcloud-go 0922bba, 298cccc); this document predates it',
  },
});
const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));

const SERVER = '/servers/{id}';
const ACTION = (name: string) => `${SERVER}/actions/${name}`;
const FIXTURE_CALLS: [fixture: string, method: string, path: string, status: string][] = [
  ['server.json', 'GET', SERVER, '200'],
  ['server-ipv6-only.json', 'GET', SERVER, '200'],
  ['server-in-rescue.json', 'GET', SERVER, '200'],
  ['servers-by-name.json', 'GET', '/servers', '200'],
  ['servers-empty.json', 'GET', '/servers', '200'],
  ['servers-page1.json', 'GET', '/servers', '200'],
  ['servers-page2.json', 'GET', '/servers', '200'],
  ['request-console.json', 'POST', ACTION('request_console'), '201'],
  ['enable-rescue.json', 'POST', ACTION('enable_rescue'), '201'],
  ['disable-rescue.json', 'POST', ACTION('disable_rescue'), '201'],
  ['reset.json', 'POST', ACTION('reset'), '201'],
  ['action-15-error.json', 'GET', '/actions/{id}', '200'],
  ['action-15-success.json', 'GET', '/actions/{id}', '200'],
  ...['conflict', 'forbidden', 'locked', 'not-found', 'rate-limit', 'unauthorized'].map(
    (name): [string, string, string, string] => [`error-${name}.json`, 'GET', SERVER, '4xx'],
  ),
  ['error-server.json', 'GET', SERVER, '5xx'],
];

describe("Hetzner fixtures fit Hetzner's OpenAPI description", () => {
  for (const [name, method, path, status] of FIXTURE_CALLS) {
    it(`${name} ~ ${method} ${path} ${status}`, () => {
      expect(unexplained(schemaOf(method, path, status), read(name))).toEqual([]);
    });
  }

  it('the legacy fixture (datacenter, no top-level location) is the shape this document describes', () => {
    const errors = openApiErrors(schemaOf('GET', SERVER, '200'), read('server-legacy-datacenter.json'));
    expect(errors.filter((e) => !/\.(server_type|image|datacenter)\./.test(e))).toEqual([
      '$.server.location: required but missing',
    ]);
  });

  it('the document declares every field the adapter reads', () => {
    const server = schemaOf('GET', SERVER, '200').properties!.server!;
    for (const field of [
      'id',
      'name',
      'status',
      'rescue_enabled',
      'labels',
      'public_net',
      'private_net',
      'location',
    ])
      expect(server.required).toContain(field);
    expect(server.properties!.status!.enum).toEqual(
      expect.arrayContaining([
        'running',
        'off',
        'initializing',
        'starting',
        'stopping',
        'rebuilding',
        'migrating',
      ]),
    );
    const console = schemaOf('POST', ACTION('request_console'), '201');
    expect(console.required).toEqual(expect.arrayContaining(['wss_url', 'password']));
  });

  it('the check itself finds a drift: an invented field, a wrong type, a value outside the enum', () => {
    const action = schemaOf('GET', '/actions/{id}', '200');
    const errors = openApiErrors(action, { action: { id: '1', command: 'x', status: 'done', progress: 0 } });
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.action.id: "1" is not an integer',
        '$.action.status: "done" not in the enum',
      ]),
    );
  });
});

describe("the adapter's request bodies fit the document", () => {
  useStrictNock();
  const TOKEN = 'CANARY-hcloud-token-openapi';
  const running: ServerRef = {
    provider: 'hetzner',
    id: '42',
    name: 'web-1',
    status: 'running',
    vendorStatus: 'running',
    addresses: { ipv4: ['203.0.113.10'], ipv6: [] },
    vendor: { rescueEnabled: false, publicIpv4: '203.0.113.10' },
  };
  it('POST /servers/{id}/actions/enable_rescue, with and without keys', async () => {
    const sent: unknown[] = [];
    const api = nock('https://api.hetzner.cloud');
    const capture = (body: unknown) => (sent.push(body), true);
    for (let i = 0; i < 2; i++) {
      api
        .post('/v1/servers/42/actions/enable_rescue', capture)
        .reply(201, fixture(import.meta.url, 'enable-rescue.json'));
      api.get('/v1/actions/15').reply(200, fixture(import.meta.url, 'action-15-success.json'));
      api.post('/v1/servers/42/actions/reset').reply(201, fixture(import.meta.url, 'reset.json'));
    }
    const adapter = await createAdapter({ env: { HCLOUD_TOKEN: TOKEN }, lang: 'en', pollIntervalMs: 0 });
    await adapter.rescueBoot!(running, { sshKeys: ['7'] });
    await adapter.rescueBoot!(running);
    expect(sent).toHaveLength(2);
    for (const body of sent)
      expect(openApiErrors(schemaOf('POST', ACTION('enable_rescue'), 'request'), body)).toEqual([]);
  });
});

describe('the lab simulator answers in the same document', () => {
  const account = { token: 'sim-token' };
  const server = { name: 'web-1', address: '127.0.0.2', numericId: 4000, labels: {} } as unknown as SimServer;
  const routes = hetznerRoutes(account as never, () => [server]);
  const call = async (method: string, path: string, body: Record<string, unknown> = {}, query = '') => {
    const found = routes.find((r) => r.method === method && r.path.test(path));
    if (!found) throw new Error(`no simulator route for ${method} ${path}`);
    const reply = await found.handler(
      {
        method,
        path,
        query: new URLSearchParams(query),
        headers: { authorization: `Bearer ${account.token}` },
        body,
      },
      found.path.exec(path)!,
    );
    return reply;
  };
  it('GET /servers and GET /servers/{id}', async () => {
    const list = await call('GET', '/servers', {}, 'name=web-1');
    expect(list.status).toBe(200);
    expect(unexplained(schemaOf('GET', '/servers', '200'), list.body)).toEqual([]);
    const one = await call('GET', '/servers/4000');
    expect(one.status).toBe(200);
    expect(unexplained(schemaOf('GET', SERVER, '200'), one.body)).toEqual([]);
  });
  it('an unknown server answers in the error envelope, for a read and for an action', async () => {
    const missing = await call('GET', '/servers/9');
    expect(missing.status).toBe(404);
    expect(openApiErrors(schemaOf('GET', SERVER, '4xx'), missing.body)).toEqual([]);
    const rescue = await call('POST', '/servers/9/actions/enable_rescue');
    expect(rescue.status).toBe(404);
    expect(openApiErrors(schemaOf('POST', ACTION('enable_rescue'), '4xx'), rescue.body)).toEqual([]);
  });
});

describe('the list of known drifts stays true', () => {
  it('every drift listed above was met', () => {
    expect(unmet()).toEqual([]);
  });
});

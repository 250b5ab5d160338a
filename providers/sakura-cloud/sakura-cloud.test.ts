import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { createAdapter } from './index.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const TOKEN = 'CANARY-sakura-token-01';
const SECRET = 'CANARY-sakura-secret-02';
const BASIC = `Basic ${Buffer.from(`${TOKEN}:${SECRET}`).toString('base64')}`;
const sakura = () => nock('https://secure.sakura.ad.jp', { reqheaders: { authorization: BASIC } });
const env = { SAKURACLOUD_ACCESS_TOKEN: TOKEN, SAKURACLOUD_ACCESS_TOKEN_SECRET: SECRET };
const adapter = (extra: Record<string, string> = {}) =>
  // Each error case here is one answer; retries are proven in providers/http-retry.test.ts.
  createAdapter({
    env: { ...env, ...extra },
    lang: 'en',
    timeoutMs: 500,
    pollIntervalMs: 0,
    retry: { retries: 0 },
  });
const server: ServerRef = {
  provider: 'sakura-cloud',
  id: '113600000001',
  name: 'web-1',
  status: 'running',
  vendorStatus: 'up',
  addresses: { ipv4: ['198.51.100.60'], ipv6: [] },
  location: 'is1b',
};
/** Sakura's GET parameters are one JSON object as the whole query string, e.g. server?{"From":0,"Count":100}. */
const jsonQuery = (expected: Record<string, unknown>) => (query: Record<string, unknown>) => {
  const keys = Object.keys(query);
  return (
    keys.length === 1 &&
    query[keys[0]!] === '' &&
    JSON.stringify(JSON.parse(keys[0]!)) === JSON.stringify(expected)
  );
};
const list = (z: string, file: string, from = 0) =>
  sakura()
    .get(`/cloud/zone/${z}/api/cloud/1.1/server`)
    .query(jsonQuery({ From: from, Count: 100 }))
    .reply(200, f(file));

describe('sakura-cloud adapter', () => {
  beforeEach(() => clearSecretsForTest());

  it('searches every zone for an IP when no zone is set', async () => {
    list('is1a', 'servers-is1a-empty.json');
    list('is1b', 'servers-is1b.json');
    // is1c (Ishikari 3) is a production zone since 2025 (iaas-api-go types/zone.go, e73eb3b).
    list('is1c', 'servers-is1c-empty.json');
    list('tk1a', 'servers-tk1a-empty.json');
    list('tk1b', 'servers-tk1b-empty.json');
    const found = await adapter().findServer({ ip: '198.51.100.61' });
    expect(found).toMatchObject({ id: '113600000002', name: 'db-1', status: 'stopped', location: 'is1b' });
    expect(mask(BASIC)).not.toContain(Buffer.from(`${TOKEN}:${SECRET}`).toString('base64'));
  });

  it('SAKURACLOUD_ZONE limits the search; a missing name is provider.not-found', async () => {
    list('is1b', 'servers-is1b.json');
    expect((await adapter({ SAKURACLOUD_ZONE: 'is1b' }).findServer({ name: 'web-1' })).id).toBe(
      '113600000001',
    );
    list('is1b', 'servers-is1b.json');
    await rejectsWithCode(
      adapter({ SAKURACLOUD_ZONE: 'is1b' }).findServer({ name: 'nope' }),
      'provider.not-found',
    );
  });

  it('pages through the list with From/Count until Total is reached', async () => {
    const all = f('servers-is1b.json') as { Servers: { ID: string }[] };
    const [first, second] = all.Servers;
    const page = (from: number, server: unknown) => ({
      ...all,
      From: from,
      Count: 1,
      Total: 101,
      Servers: [server],
    });
    sakura()
      .get('/cloud/zone/is1b/api/cloud/1.1/server')
      .query(jsonQuery({ From: 0, Count: 100 }))
      .reply(200, page(0, first));
    sakura()
      .get('/cloud/zone/is1b/api/cloud/1.1/server')
      .query(jsonQuery({ From: 100, Count: 100 }))
      .reply(200, page(100, second));
    const found = await adapter({ SAKURACLOUD_ZONE: 'is1b' }).findServer({ name: 'db-1' });
    expect(found.id).toBe(second!.ID);
  });

  it('finds by id, trying zones until one has it', async () => {
    sakura().get('/cloud/zone/is1a/api/cloud/1.1/server/113600000001').reply(404, f('error-404.json'));
    sakura().get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001').reply(200, f('server.json'));
    expect((await adapter().findServer({ id: '113600000001' })).location).toBe('is1b');
  });

  it('no serial console (unsupported); VNC through the zone proxy as plain RFB over TCP', async () => {
    const serial = await rejectsWithCode(adapter().openConsole(server, 'serial'), 'provider.unsupported');
    expect(serial.params.offers).toBe('VNC console');
    sakura()
      .get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy')
      .reply(200, f('vnc-proxy.json'));
    // Host "localhost" means: use IOServerHost.
    expect(await adapter().openConsole(server, 'vnc')).toEqual({
      kind: 'vnc-ws',
      url: 'vnc://sac-is1b-ssl.example.jp:51234',
      password: 'CANARY-sakura-vnc-03',
    });
    expect(mask('CANARY-sakura-vnc-03')).toBe('***');
  });

  it('reads the VNC proxy answer also nested under VNCProxyInfo with a numeric port; none usable is unavailable', async () => {
    sakura()
      .get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy')
      .reply(200, f('vnc-proxy-nested.json'));
    expect(await adapter().openConsole(server, 'vnc')).toMatchObject({
      url: 'vnc://sac-tk1b-vnc.example.jp:5900',
      password: 'CANARY-sakura-vnc-04',
    });
    sakura().get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy').reply(200, { is_ok: true });
    const vnc = await rejectsWithCode(adapter().openConsole(server, 'vnc'), 'console.unavailable');
    expect(vnc.params.hint).toContain('VNC proxy');
  });

  describe('HTTP errors', () => {
    const cases: [number, string, Record<string, string>?][] = [
      [401, 'auth.failed'],
      [403, 'auth.forbidden'],
      [409, 'provider.conflict'],
      [429, 'provider.rate-limited', { 'Retry-After': '3' }],
      [503, 'provider.api'],
    ];
    for (const [status, code, headers] of cases) {
      it(`${status} → ${code} with Sakura's error_msg`, async () => {
        sakura()
          .get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy')
          .reply(status, f(`error-${status}.json`), headers);
        const err = await rejectsWithCode(adapter().openConsole(server, 'vnc'), code);
        const body = f(`error-${status}.json`) as { error_msg: string };
        expect(String(err.params.detail)).toContain(body.error_msg);
        if (status === 429) expect(err.params.retryAfter).toBe(3);
        expect(JSON.stringify(err)).not.toContain('CANARY');
      });
    }

    it('a hanging API is provider.timeout', async () => {
      sakura().get('/cloud/zone/is1b/api/cloud/1.1/server/113600000001/vnc/proxy').delay(2000).reply(200, {});
      await rejectsWithCode(adapter().openConsole(server, 'vnc'), 'provider.timeout');
    });
  });
});

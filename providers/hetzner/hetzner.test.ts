import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { createAdapter, HETZNER_API } from './index.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const TOKEN = 'CANARY-hcloud-token-0123456789';
const api = () => nock('https://api.hetzner.cloud', { reqheaders: { authorization: `Bearer ${TOKEN}` } });
const adapter = () =>
  createAdapter({ env: { HCLOUD_TOKEN: TOKEN }, lang: 'en', pollIntervalMs: 0, timeoutMs: 500 });

const running: ServerRef = {
  provider: 'hetzner',
  id: '42',
  name: 'web-1',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: ['203.0.113.10'], ipv6: ['2001:db8:1:2::/64'] },
  vendor: { rescueEnabled: false, publicIpv4: '203.0.113.10', publicIpv6Net: '2001:db8:1:2::/64' },
};

describe('hetzner adapter', () => {
  beforeEach(() => clearSecretsForTest());

  it('uses the documented base URL', () => {
    expect(HETZNER_API).toBe('https://api.hetzner.cloud/v1');
  });

  it('finds a server by IPv4 across pages, client-side', async () => {
    api().get('/v1/servers').query({ page: 1, per_page: 50 }).reply(200, f('servers-page1.json'));
    api().get('/v1/servers').query({ page: 2, per_page: 50 }).reply(200, f('servers-page2.json'));
    const server = await adapter().findServer({ ip: '198.51.100.7' });
    expect(server).toMatchObject({ id: '44', name: 'mail-1', status: 'running', location: 'fsn1' });
  });

  it('matches an IPv6 address inside the server /64 and maps "off" to stopped', async () => {
    api().get('/v1/servers').query(true).reply(200, f('servers-page1.json'));
    api().get('/v1/servers').query(true).reply(200, f('servers-page2.json'));
    const server = await adapter().findServer({ ip: '2001:db8:1:3::1' });
    expect(server).toMatchObject({ id: '43', status: 'stopped', vendorStatus: 'off' });
  });

  it('finds by exact name and by label selector', async () => {
    api()
      .get('/v1/servers')
      .query({ name: 'web-1', page: 1, per_page: 50 })
      .reply(200, f('servers-by-name.json'));
    expect((await adapter().findServer({ name: 'web-1' })).id).toBe('42');
    api()
      .get('/v1/servers')
      .query({ label_selector: 'role=web', page: 1, per_page: 50 })
      .reply(200, f('servers-by-name.json'));
    expect((await adapter().findServer({ name: 'role=web' })).addresses.ipv4).toEqual(['203.0.113.10']);
  });

  it('no match is provider.not-found; several are provider.ambiguous', async () => {
    api().get('/v1/servers').query(true).reply(200, f('servers-empty.json'));
    await rejectsWithCode(adapter().findServer({ name: 'nope' }), 'provider.not-found');
    api()
      .get('/v1/servers')
      .query({ label_selector: 'all=yes', page: 1, per_page: 50 })
      .reply(200, f('servers-page1.json'));
    api()
      .get('/v1/servers')
      .query({ label_selector: 'all=yes', page: 2, per_page: 50 })
      .reply(200, f('servers-page2.json'));
    const err = await rejectsWithCode(adapter().findServer({ name: 'all=yes' }), 'provider.ambiguous');
    expect(err.params.count).toBe(3);
  });

  it('finds by id, and a 404 there is provider.not-found', async () => {
    api().get('/v1/servers/42').reply(200, f('server.json'));
    expect((await adapter().findServer({ id: '42' })).name).toBe('web-1');
    api().get('/v1/servers/999').reply(404, f('error-not-found.json'));
    await rejectsWithCode(adapter().findServer({ id: '999' }), 'provider.not-found');
  });

  it('opens the VNC console and registers its password and URL token as secrets', async () => {
    api().post('/v1/servers/42/actions/request_console').reply(201, f('request-console.json'));
    const endpoint = await adapter().openConsole(running, 'vnc');
    expect(endpoint).toEqual({
      kind: 'vnc-ws',
      url: 'wss://console.hetzner.cloud/?server_id=42&token=CANARY-consoletoken-7f3a',
      password: 'CANARY-vncpw-9b2c',
    });
    expect(mask(JSON.stringify(endpoint))).not.toMatch(/CANARY-(consoletoken|vncpw)/);
    expect(mask(`Bearer ${TOKEN}`)).not.toContain(TOKEN);
  });

  it('refuses a serial console, naming what Hetzner offers', async () => {
    const err = await rejectsWithCode(adapter().openConsole(running, 'serial'), 'provider.unsupported');
    expect(err.params.offers).toContain('VNC console');
  });

  it('a failed action is provider.api with the vendor error', async () => {
    api().post('/v1/servers/42/actions/enable_rescue').reply(201, f('enable-rescue.json'));
    api().get('/v1/actions/15').reply(200, f('action-15-error.json'));
    const err = await rejectsWithCode(adapter().rescueBoot!(running), 'provider.api');
    expect(err.params.detail).toContain('Action failed');
  });

  it('boots the rescue system (enable_rescue + reset) and leaves it again', async () => {
    api()
      .post('/v1/servers/42/actions/enable_rescue', { type: 'linux64', ssh_keys: [7] })
      .reply(201, f('enable-rescue.json'));
    api().get('/v1/actions/15').reply(200, f('action-15-success.json'));
    api().post('/v1/servers/42/actions/reset').reply(201, f('reset.json'));
    const access = await adapter().rescueBoot!(running, { sshKeys: ['7'] });
    expect(access.ssh).toEqual({
      host: '203.0.113.10',
      port: 22,
      username: 'root',
      password: 'CANARY-rescuepw-55aa',
    });
    api().post('/v1/servers/42/actions/disable_rescue').reply(201, f('disable-rescue.json'));
    api().post('/v1/servers/42/actions/reset').reply(201, f('reset.json'));
    api().get('/v1/servers/42').reply(200, f('server.json'));
    await adapter().exitRescue!(running);
  });

  it('leaving the rescue system is tried again until the server confirms rescue mode is off', async () => {
    // disable_rescue may be sent twice: retried after 503 by the HTTP client.
    api().post('/v1/servers/42/actions/disable_rescue').reply(503, f('error-server.json'));
    api().post('/v1/servers/42/actions/disable_rescue').reply(201, f('disable-rescue.json'));
    // The reset fails: the whole leave is tried again.
    api().post('/v1/servers/42/actions/reset').reply(500, f('error-server.json'));
    api().post('/v1/servers/42/actions/disable_rescue').reply(201, f('disable-rescue.json'));
    api().post('/v1/servers/42/actions/reset').reply(201, f('reset.json'));
    api().get('/v1/servers/42').reply(200, f('server.json'));
    await adapter().exitRescue!(running);
  });

  it('a server that never leaves rescue mode is an error after a bounded number of tries', async () => {
    for (let i = 0; i < 4; i++) {
      api().post('/v1/servers/42/actions/disable_rescue').reply(201, f('disable-rescue.json'));
      api().post('/v1/servers/42/actions/reset').reply(201, f('reset.json'));
      api().get('/v1/servers/42').reply(200, f('server-in-rescue.json'));
    }
    const err = await rejectsWithCode(adapter().exitRescue!(running), 'provider.api');
    expect(String(err.params.detail)).toContain('rescue mode on');
  });

  it('reads the location from the top-level `location` (the API since 2026-07) and from the old `datacenter`', async () => {
    // hcloud-go b8cfa39 schema/server.go: `location`; `datacenter` removed after 2026-07-01 (0922bba, 298cccc).
    api().get('/v1/servers/42').reply(200, f('server.json'));
    expect((await adapter().findServer({ id: '42' })).location).toBe('fsn1');
    api().get('/v1/servers/42').reply(200, f('server-legacy-datacenter.json'));
    expect((await adapter().findServer({ id: '42' })).location).toBe('fsn1');
  });

  it('an IPv6-only server is reached in rescue at the first address of its /64, never a private IP', async () => {
    // hcloud-go schema/server.go: public_net.ipv4 is null without a primary IPv4; the CLI's
    // `hcloud server ip --ipv6` prints "the first address of the Server's Primary IPv6 network".
    api().get('/v1/servers/46').reply(200, f('server-ipv6-only.json'));
    const v6only = await adapter().findServer({ id: '46' });
    expect(v6only.addresses.ipv4).toEqual(['10.0.0.46']);
    api()
      .post('/v1/servers/46/actions/enable_rescue', { type: 'linux64' })
      .reply(201, f('enable-rescue.json'));
    api().get('/v1/actions/15').reply(200, f('action-15-success.json'));
    api().post('/v1/servers/46/actions/reset').reply(201, f('reset.json'));
    const access = await adapter().rescueBoot!(v6only);
    expect(access.ssh?.host).toBe('2001:db8:4:6::1');
  });

  it('a server with no public address is refused before the rescue system is enabled', async () => {
    const privateOnly = { ...running, vendor: { rescueEnabled: false } };
    const err = await rejectsWithCode(adapter().rescueBoot!(privateOnly), 'provider.precondition');
    expect(String(err.params.reason)).toContain('public');
  });

  describe('HTTP errors', () => {
    const cases: [number, string, string, Record<string, string>?][] = [
      [401, 'error-unauthorized.json', 'auth.failed'],
      [403, 'error-forbidden.json', 'auth.forbidden'],
      [409, 'error-conflict.json', 'provider.conflict'],
      [423, 'error-locked.json', 'provider.conflict'],
      [429, 'error-rate-limit.json', 'provider.rate-limited', { 'Retry-After': '30' }],
      [503, 'error-server.json', 'provider.api'],
    ];
    for (const [status, file, code, headers] of cases) {
      it(`${status} → ${code}, with the vendor's text and never the token`, async () => {
        api().post('/v1/servers/42/actions/request_console').reply(status, f(file), headers);
        const err = await rejectsWithCode(adapter().openConsole(running, 'vnc'), code);
        const body = f(file) as { error: { message: string } };
        if (status !== 429) expect(String(err.params.detail)).toContain(body.error.message);
        else expect(err.params.retryAfter).toBe(30);
        expect(JSON.stringify(err)).not.toContain(TOKEN);
      });
    }

    it('a slow API is provider.timeout', async () => {
      api().post('/v1/servers/42/actions/request_console').delay(2000).reply(201, f('request-console.json'));
      await rejectsWithCode(adapter().openConsole(running, 'vnc'), 'provider.timeout');
    });
  });

  it('without HCLOUD_TOKEN it names the variable', () => {
    expect(() => createAdapter({ env: {}, lang: 'en' })).toThrow(/config.missing-credentials/);
  });

  it('--endpoint points it at another base URL', async () => {
    nock('http://127.0.0.1:8480').get('/hcloud/v1/servers/42').reply(200, f('server.json'));
    const local = createAdapter({
      env: { HCLOUD_TOKEN: TOKEN },
      lang: 'en',
      endpoint: 'http://127.0.0.1:8480/hcloud/v1/',
    });
    expect((await local.findServer({ id: '42' })).id).toBe('42');
  });
});

import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { createAdapter } from './index.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const PASSWORD = 'CANARY-os-password-1234';
const TOKEN = 'CANARY-keystone-token-gAAAAA';
const ENV = {
  OS_AUTH_URL: 'https://keystone.example.test:5000/v3/',
  OS_USERNAME: 'demo',
  OS_PASSWORD: PASSWORD,
  OS_PROJECT_NAME: 'demo',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_REGION_NAME: 'RegionOne',
};
const keystone = () =>
  nock('https://keystone.example.test:5000')
    .post('/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { name: 'Default' }, password: PASSWORD } },
        },
        // No project domain given: the default domain by id, as osc-lib does (_auth_default_domain).
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    })
    .reply(201, f('token.json'), { 'X-Subject-Token': TOKEN });
const nova = () => nock('https://compute.example.test:8774', { reqheaders: { 'x-auth-token': TOKEN } });
const adapter = (env: Record<string, string> = ENV, files: Record<string, string> = {}) =>
  createAdapter({ env, lang: 'en', timeoutMs: 500, readTextFile: async (p) => files[p] });

const server: ServerRef = {
  provider: 'openstack',
  id: '9168b536-cd40-4630-b43f-b259807c6e87',
  name: 'web-1',
  status: 'running',
  vendorStatus: 'ACTIVE',
  addresses: { ipv4: ['203.0.113.30'], ipv6: [] },
};

describe('openstack adapter', () => {
  beforeEach(() => clearSecretsForTest());

  it('logs in with OS_* variables and finds a server by an anchored ip filter', async () => {
    keystone();
    nova().get('/v2.1/servers/detail').query({ ip: '^203\\.0\\.113\\.30$' }).reply(200, f('servers-ip.json'));
    const found = await (await adapter()).findServer({ ip: '203.0.113.30' });
    expect(found).toMatchObject({ id: server.id, name: 'web-1', status: 'running', location: 'nova' });
    expect(found.addresses.ipv4).toEqual(['192.0.2.5', '203.0.113.30']);
    expect(mask(`${TOKEN} ${PASSWORD}`)).toBe('*** ***');
  });

  it('finds by name across pages (marker) and reports ambiguity', async () => {
    keystone();
    nova().get('/v2.1/servers/detail').query({ name: '^web-1$' }).reply(200, f('servers-page1.json'));
    nova()
      .get('/v2.1/servers/detail')
      .query({ name: '^web-1$', marker: server.id })
      .reply(200, f('servers-page2.json'));
    const err = await rejectsWithCode((await adapter()).findServer({ name: 'web-1' }), 'provider.ambiguous');
    expect(err.params.count).toBe(2);
  });

  it('id lookups: found, and 404 is provider.not-found', async () => {
    keystone();
    const a = await adapter();
    nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
    expect((await a.findServer({ id: server.id })).name).toBe('web-1');
    nova().get('/v2.1/servers/999').reply(404, f('error-404.json'));
    await rejectsWithCode(a.findServer({ id: '999' }), 'provider.not-found');
    nova().get('/v2.1/servers/detail').query(true).reply(200, f('servers-empty.json'));
    await rejectsWithCode(a.findServer({ name: 'none' }), 'provider.not-found');
  });

  it('opens the serial console with microversion 2.6 and registers the URL token', async () => {
    keystone();
    nock('https://compute.example.test:8774', {
      reqheaders: { 'x-auth-token': TOKEN, 'openstack-api-version': 'compute 2.6' },
    })
      .post(`/v2.1/servers/${server.id}/remote-consoles`, {
        remote_console: { protocol: 'serial', type: 'serial' },
      })
      .reply(200, f('remote-console-serial.json'));
    const endpoint = await (await adapter()).openConsole(server, 'serial');
    expect(endpoint).toEqual({
      kind: 'serial-ws',
      url: 'ws://compute.example.test:6083/?token=CANARY-serialtoken-f9906a48',
    });
    expect(mask(endpoint.kind === 'serial-ws' ? endpoint.url : '')).not.toContain('CANARY');
  });

  it('turns the noVNC page URL into its websocket', async () => {
    keystone();
    nova()
      .post(`/v2.1/servers/${server.id}/remote-consoles`, {
        remote_console: { protocol: 'vnc', type: 'novnc' },
      })
      .reply(200, f('remote-console-novnc.json'));
    const endpoint = await (await adapter()).openConsole(server, 'vnc');
    expect(endpoint).toEqual({
      kind: 'vnc-ws',
      url: 'ws://compute.example.test:6080/?token=CANARY-vnctoken-b60bcdc6',
    });
  });

  it('falls back to os-getSerialConsole when 2.6 is not offered (406)', async () => {
    keystone();
    nova().post(`/v2.1/servers/${server.id}/remote-consoles`).reply(406, f('error-406-version.json'));
    nova()
      .post(`/v2.1/servers/${server.id}/action`, { 'os-getSerialConsole': { type: 'serial' } })
      .reply(200, f('legacy-serial.json'));
    const endpoint = await (await adapter()).openConsole(server, 'serial');
    expect(endpoint).toMatchObject({ kind: 'serial-ws', url: expect.stringContaining('CANARY-legacytoken') });
  });

  it('a disabled serial console is console.unavailable with Nova’s own words', async () => {
    keystone();
    nova().post(`/v2.1/servers/${server.id}/remote-consoles`).reply(400, f('error-400-serial-disabled.json'));
    const err = await rejectsWithCode((await adapter()).openConsole(server, 'serial'), 'console.unavailable');
    expect(err.params.hint).toContain('Unavailable console type serial.');
    expect(err.params.hint).toContain('[serial_console] enabled=false');
  });

  describe('HTTP errors', () => {
    const cases: [number, string, Record<string, string>?][] = [
      [403, 'auth.forbidden'],
      [409, 'provider.conflict'],
      [429, 'provider.rate-limited', { 'Retry-After': '59' }],
      [500, 'provider.api'],
    ];
    for (const [status, code, headers] of cases) {
      it(`${status} → ${code}`, async () => {
        keystone();
        nova()
          .post(`/v2.1/servers/${server.id}/remote-consoles`)
          .reply(status, f(`error-${status}.json`), headers);
        const err = await rejectsWithCode((await adapter()).openConsole(server, 'serial'), code);
        if (status === 409) expect(err.params.detail).toContain('vm_state stopped');
        if (status === 429) expect(err.params.retryAfter).toBe(59);
        expect(JSON.stringify(err)).not.toMatch(/CANARY/);
      });
    }

    it('wrong credentials: 401 from Keystone is auth.failed', async () => {
      nock('https://keystone.example.test:5000').post('/v3/auth/tokens').reply(401, f('error-401.json'));
      await rejectsWithCode((await adapter()).findServer({ name: 'x' }), 'auth.failed');
    });

    it('a hanging Keystone is provider.timeout', async () => {
      nock('https://keystone.example.test:5000')
        .post('/v3/auth/tokens')
        .delay(2000)
        .reply(201, f('token.json'));
      await rejectsWithCode((await adapter()).findServer({ name: 'x' }), 'provider.timeout');
    });
  });

  it('reads OS_CLOUD from clouds.yaml, and --endpoint replaces the auth URL', async () => {
    const yaml = [
      'clouds:',
      '  lab:   # a comment',
      '    auth:',
      "      auth_url: 'https://ignored.example.test/v3'",
      '      application_credential_id: "appcred-1"',
      '      application_credential_secret: CANARY-appsecret-99',
      '    region_name: RegionOne',
    ].join('\n');
    nock('http://127.0.0.1:5000')
      .post('/v3/auth/tokens', {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: 'appcred-1', secret: 'CANARY-appsecret-99' },
          },
        },
      })
      .reply(201, f('token.json'), { 'X-Subject-Token': TOKEN });
    nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
    const a = await createAdapter({
      env: { OS_CLOUD: 'lab', HOME: '/home/u' },
      endpoint: 'http://127.0.0.1:5000/v3',
      lang: 'en',
      readTextFile: async (p) => (p === '/home/u/.config/openstack/clouds.yaml' ? yaml : undefined),
    });
    expect((await a.findServer({ id: server.id })).id).toBe(server.id);
    expect(mask('CANARY-appsecret-99')).toBe('***');
  });

  describe('Keystone version discovery on an unversioned OS_AUTH_URL (keystoneauth1 identity/generic/base.py)', () => {
    const env = { ...ENV, OS_AUTH_URL: 'https://auth.cloud.example.test/' };
    const token = (origin: string, path: string) =>
      nock(origin).post(path).reply(201, f('token.json'), { 'X-Subject-Token': TOKEN });

    it('300 Multiple Choices with versions.values (keystone api-ref identity-versions-response.json)', async () => {
      nock('https://auth.cloud.example.test').get('/').reply(300, f('identity-versions.json'));
      token('https://auth.cloud.example.test', '/v3/auth/tokens');
      nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
      expect((await (await adapter(env)).findServer({ id: server.id })).id).toBe(server.id);
    });

    it('200 with one version (keystone api-ref identity-version-response.json), DevStack-style path', async () => {
      nock('http://devstack.example.test').get('/identity/').reply(200, f('identity-version.json'));
      token('http://devstack.example.test', '/identity/v3/auth/tokens');
      nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
      const a = await adapter({ ...ENV, OS_AUTH_URL: 'http://devstack.example.test/identity' });
      expect((await a.findServer({ id: server.id })).id).toBe(server.id);
    });

    it('no v3 listed is one clear provider.api naming the versioned URL to give', async () => {
      nock('https://auth.cloud.example.test')
        .get('/')
        .reply(300, { versions: { values: [] } });
      const err = await rejectsWithCode((await adapter(env)).findServer({ id: server.id }), 'provider.api');
      expect(String(err.params.detail)).toContain('/v3');
    });
  });

  it('OS_DEFAULT_DOMAIN is a domain id (osc-lib _auth_default_domain), used where no domain is named', async () => {
    const DOMAIN_ID = '9a2f2bcbd6b64b1c8b6e0f5d7f1c2e3a';
    nock('https://keystone.example.test:5000')
      .post('/v3/auth/tokens', {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'demo', domain: { id: DOMAIN_ID }, password: PASSWORD } },
          },
          scope: { project: { name: 'demo', domain: { id: DOMAIN_ID } } },
        },
      })
      .reply(201, f('token.json'), { 'X-Subject-Token': TOKEN });
    nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
    const { OS_USER_DOMAIN_NAME: _named, ...rest } = ENV;
    const a = await adapter({ ...rest, OS_DEFAULT_DOMAIN: DOMAIN_ID });
    expect((await a.findServer({ id: server.id })).id).toBe(server.id);
  });

  it('clouds.yaml: a `regions:` list gives the default region; a vendor `profile:` without auth_url says what to add', async () => {
    const yaml = (extra: string[]) =>
      [
        'clouds:',
        '  ovh:',
        ...extra,
        '    auth:',
        '      username: demo',
        `      password: ${PASSWORD}`,
        '      project_name: demo',
      ].join('\n');
    const withRegions = yaml([
      '    auth_url: https://keystone.example.test:5000/v3',
      '    regions:',
      '      - name: RegionOne',
      '      - GRA11',
    ]);
    keystone();
    nova().get(`/v2.1/servers/${server.id}`).reply(200, f('server.json'));
    const a = await createAdapter({
      env: { OS_CLOUD: 'ovh', OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_ID: 'default' },
      lang: 'en',
      readTextFile: async (p) => (p === 'clouds.yaml' ? withRegions : undefined),
    });
    expect((await a.findServer({ id: server.id })).id).toBe(server.id);
    const profiled = yaml(['    profile: ovh']);
    const err = await rejectsWithCode(
      createAdapter({
        env: { OS_CLOUD: 'ovh' },
        lang: 'en',
        readTextFile: async (p) => (p === 'clouds.yaml' ? profiled : undefined),
      }),
      'config.missing-credentials',
    );
    expect(String(err.params.variables)).toContain('profile "ovh"');
  });

  it('missing credentials name the variable sets', async () => {
    await rejectsWithCode(
      adapter({ OS_AUTH_URL: 'https://k.example.test/v3' }),
      'config.missing-credentials',
    );
    await rejectsWithCode(adapter({ OS_CLOUD: 'nope' }), 'config.missing-credentials');
  });
});

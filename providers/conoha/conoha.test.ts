import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { createAdapter, identityUrl } from './index.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const PASSWORD = 'CANARY-conoha-pw-123';
const TENANT = '0123456789abcdef0123456789abcdef';
const TOKEN3 = 'CANARY-v3token-gAAAAB';
const server: ServerRef = {
  provider: 'conoha',
  id: '6d5f2c4e-0000-4000-8000-000000000001',
  name: 'shop-web',
  status: 'running',
  vendorStatus: 'ACTIVE',
  addresses: { ipv4: ['203.0.113.40'], ipv6: [] },
};

describe('conoha adapter', () => {
  beforeEach(() => clearSecretsForTest());

  describe('VPS 3.0 (c3j1)', () => {
    const env = { OS_USERNAME: 'gncu12345678', OS_PASSWORD: PASSWORD, OS_TENANT_ID: TENANT };
    const login = () =>
      nock('https://identity.c3j1.conoha.io')
        .post('/v3/auth/tokens', {
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: 'gncu12345678', password: PASSWORD } },
            },
            scope: { project: { id: TENANT } },
          },
        })
        .reply(201, f('token-v3.json'), { 'x-subject-token': TOKEN3 });
    const compute = () => nock('https://compute.c3j1.conoha.io', { reqheaders: { 'x-auth-token': TOKEN3 } });

    it('finds a server by its name tag and by IP', async () => {
      login();
      const a = createAdapter({ env, lang: 'en' });
      compute().get('/v2.1/servers/detail').reply(200, f('servers-detail.json'));
      expect((await a.findServer({ name: 'shop-web' })).id).toBe(server.id);
      compute()
        .get('/v2.1/servers/detail')
        .query({ ip: '^203\\.0\\.113\\.41$' })
        .reply(200, f('servers-detail.json'));
      const byIp = await a.findServer({ ip: '203.0.113.41' });
      expect(byIp).toMatchObject({ name: 'shop-db', vendor: { novaName: '203-0-113-40' } });
    });

    it('opens the serial websocket and the noVNC websocket via remote-consoles', async () => {
      login();
      const a = createAdapter({ env, lang: 'en' });
      compute()
        .post(`/v2.1/servers/${server.id}/remote-consoles`, {
          remote_console: { protocol: 'serial', type: 'serial' },
        })
        .reply(200, f('remote-console-serial.json'));
      expect(await a.openConsole(server, 'serial')).toEqual({
        kind: 'serial-ws',
        url: 'wss://console.c3j1.conoha.io/?token=CANARY-conohatoken-3e8',
      });
      compute()
        .post(`/v2.1/servers/${server.id}/remote-consoles`, {
          remote_console: { protocol: 'vnc', type: 'novnc' },
        })
        .reply(200, f('remote-console-novnc.json'));
      expect(await a.openConsole(server, 'vnc')).toEqual({
        kind: 'vnc-ws',
        url: 'wss://console.c3j1.conoha.io/?token=CANARY-conohavnc-77',
      });
      expect(mask('CANARY-conohatoken-3e8 CANARY-conohavnc-77')).toBe('*** ***');
    });

    it('401 is auth.failed and does not leak the password', async () => {
      nock('https://identity.c3j1.conoha.io').post('/v3/auth/tokens').reply(401, f('error-401.json'));
      const err = await rejectsWithCode(
        createAdapter({ env, lang: 'en' }).findServer({ name: 'x' }),
        'auth.failed',
      );
      expect(JSON.stringify(err)).not.toContain(PASSWORD);
    });
  });

  describe('VPS 2.0 (tyo1)', () => {
    it('uses v2.0 tokens and the legacy console actions', async () => {
      expect(identityUrl('tyo1')).toBe('https://identity.tyo1.conoha.io/v2.0');
      nock('https://identity.tyo1.conoha.io')
        .post('/v2.0/tokens', {
          auth: { passwordCredentials: { username: 'gncu12345678', password: PASSWORD }, tenantId: TENANT },
        })
        .reply(200, f('token-v2.json'));
      const compute = () =>
        nock('https://compute.tyo1.conoha.io', {
          reqheaders: { 'x-auth-token': 'CANARY-v2token-sample00d8' },
        });
      compute()
        .post(`/v2/${TENANT}/servers/${server.id}/action`, { 'os-getSerialConsole': { type: 'serial' } })
        .reply(200, f('v2-serial-console.json'));
      compute()
        .post(`/v2/${TENANT}/servers/${server.id}/action`, { 'os-getVNCConsole': { type: 'novnc' } })
        .reply(200, f('v2-vnc-console.json'));
      const a = createAdapter({
        env: {
          OS_USERNAME: 'gncu12345678',
          OS_PASSWORD: PASSWORD,
          OS_TENANT_ID: TENANT,
          CONOHA_REGION: 'tyo1',
        },
        lang: 'en',
      });
      expect(await a.openConsole(server, 'serial')).toMatchObject({ kind: 'serial-ws' });
      expect(await a.openConsole(server, 'vnc')).toEqual({
        kind: 'vnc-ws',
        url: 'wss://vnc.tyo1.conoha.io/?token=CANARY-v2vnc-0b2',
      });
      expect(mask('CANARY-v2token-sample00d8')).toBe('***');
    });
  });

  it('without a tenant it names the variables', () => {
    expect(() => createAdapter({ env: { OS_USERNAME: 'u', OS_PASSWORD: 'p' }, lang: 'en' })).toThrow(
      /config.missing-credentials/,
    );
  });
});

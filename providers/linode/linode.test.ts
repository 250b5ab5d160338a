import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { planAccess } from '../plan.js';
import { createAdapter } from './index.js';
import { linode } from './provider.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const TOKEN = 'CANARY-linode-token-abcdef';
const api = () => nock('https://api.linode.com', { reqheaders: { authorization: `Bearer ${TOKEN}` } });
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nCANARY-lishkey\n-----END OPENSSH PRIVATE KEY-----\n';
const adapter = (env: Record<string, string> = {}) =>
  createAdapter({
    env: { LINODE_TOKEN: TOKEN, ...env },
    lang: 'en',
    pollIntervalMs: 0,
    timeoutMs: 500,
    // Each error case here is one answer; retries are proven in providers/http-retry.test.ts.
    retry: { retries: 0 },
    readTextFile: async (path) => (path === '/keys/lish' ? KEY : undefined),
  });

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

describe('linode adapter', () => {
  beforeEach(() => clearSecretsForTest());

  it('finds a Linode by IP through the networking API', async () => {
    api().get('/v4/networking/ips/203.0.113.20').reply(200, f('ip.json'));
    api().get('/v4/linode/instances/123').reply(200, f('instance.json'));
    const found = await adapter().findServer({ ip: '203.0.113.20' });
    expect(found).toMatchObject({ id: '123', name: 'web-1', status: 'running', location: 'ap-northeast' });
    expect(found.addresses.ipv6).toEqual(['2001:db8:2::f03c:91ff:fe24:3a2f']);
  });

  it('an unassigned or unknown IP is provider.not-found', async () => {
    api().get('/v4/networking/ips/203.0.113.99').reply(200, f('ip-unassigned.json'));
    await rejectsWithCode(adapter().findServer({ ip: '203.0.113.99' }), 'provider.not-found');
    api().get('/v4/networking/ips/198.51.100.1').reply(404, f('error-404.json'));
    await rejectsWithCode(adapter().findServer({ ip: '198.51.100.1' }), 'provider.not-found');
  });

  it('finds by label with X-Filter, following pages; two matches are ambiguous', async () => {
    const filtered = () =>
      nock('https://api.linode.com', {
        reqheaders: { 'x-filter': '{"label":"web-1"}', authorization: `Bearer ${TOKEN}` },
      });
    filtered()
      .get('/v4/linode/instances')
      .query({ page: 1, page_size: 100 })
      .reply(200, f('instances-page1.json'));
    filtered()
      .get('/v4/linode/instances')
      .query({ page: 2, page_size: 100 })
      .reply(200, f('instances-page2.json'));
    const err = await rejectsWithCode(adapter().findServer({ name: 'web-1' }), 'provider.ambiguous');
    expect(err.params.candidates).toBe('web-1 (id 123), web-1 (id 124)');
    filtered().get('/v4/linode/instances').query(true).reply(200, f('instances-one.json'));
    expect((await adapter().findServer({ name: 'web-1' })).id).toBe('123');
  });

  it('opens Lish for the region with the profile user and the label as command', async () => {
    api().get('/v4/profile').reply(200, f('profile.json'));
    const endpoint = await adapter({ LINODE_LISH_KEY_FILE: '/keys/lish' }).openConsole(server, 'serial');
    expect(endpoint).toEqual({
      kind: 'serial-ssh',
      host: 'lish-ap-northeast.linode.com',
      port: 22,
      username: 'support-jp',
      command: 'web-1',
      privateKey: KEY,
    });
    expect(mask(KEY)).toBe('***');
  });

  it('LINODE_LISH_HOST redirects Lish (lab simulator); VNC is refused naming the offers', async () => {
    api().get('/v4/profile').reply(200, f('profile.json'));
    const endpoint = await adapter({
      LINODE_LISH_HOST: '127.0.0.1:2222',
      LINODE_LISH_KEY_FILE: '/keys/lish',
    }).openConsole(server, 'serial');
    expect(endpoint).toMatchObject({ host: '127.0.0.1', port: 2222 });
    const err = await rejectsWithCode(adapter().openConsole(server, 'vnc'), 'provider.unsupported');
    expect(err.params.offers).toBe('serial console, boot a rescue system');
  });

  describe('Lish authentication as the profile allows (Lish docs; linodego profile.go lish_auth_method)', () => {
    const profile = (method: string) => ({ ...f('profile.json'), lish_auth_method: method });

    it('"disabled": console.unavailable before anything connects', async () => {
      api().get('/v4/profile').reply(200, profile('disabled'));
      const err = await rejectsWithCode(
        adapter({ LINODE_LISH_KEY_FILE: '/keys/lish' }).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain('disabled');
    });

    it('"disabled" before a rescue boot: refused before the Linode is rebooted into Finnix', async () => {
      api().get('/v4/profile').reply(200, profile('disabled'));
      // Strict nock: a POST …/rescue would be an unexpected request and fail the test.
      await rejectsWithCode(
        adapter({ LINODE_LISH_KEY_FILE: '/keys/lish' }).rescueBoot!(server),
        'console.unavailable',
      );
    });

    it('the SSH agent is offered when there is no key file', async () => {
      api().get('/v4/profile').reply(200, profile('keys_only'));
      const endpoint = await adapter({ SSH_AUTH_SOCK: '/run/user/1000/agent.sock' }).openConsole(
        server,
        'serial',
      );
      expect(endpoint).toMatchObject({ kind: 'serial-ssh', agent: '/run/user/1000/agent.sock' });
      expect(endpoint).not.toHaveProperty('password');
    });

    it('"password_keys": the Cloud Manager password from LINODE_LISH_PASSWORD, masked', async () => {
      api().get('/v4/profile').reply(200, profile('password_keys'));
      const endpoint = await adapter({ LINODE_LISH_PASSWORD: 'CANARY-lish-pw-7' }).openConsole(
        server,
        'serial',
      );
      expect(endpoint).toMatchObject({ kind: 'serial-ssh', password: 'CANARY-lish-pw-7' });
      expect(mask('CANARY-lish-pw-7')).toBe('***');
    });

    it('"keys_only" with only a password, or nothing at all: console.unavailable naming the ways', async () => {
      api().get('/v4/profile').reply(200, profile('keys_only'));
      const err = await rejectsWithCode(
        adapter({ LINODE_LISH_PASSWORD: 'CANARY-lish-pw-8' }).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain('LINODE_LISH_KEY_FILE');
      api().get('/v4/profile').reply(200, profile('password_keys'));
      await rejectsWithCode(adapter().openConsole(server, 'serial'), 'console.unavailable');
    });
  });

  it('the rescue system (Finnix, through Lish) comes after the serial console, as a way that reboots', () => {
    expect(planAccess(linode.capabilities).map((s) => s.path)).toEqual(['serial-console', 'rescue-system']);
  });

  it('boots Finnix with the disks attached, waits, and reboots back', async () => {
    api().get('/v4/linode/instances/123/disks').query(true).reply(200, f('disks.json'));
    api()
      .post('/v4/linode/instances/123/rescue', { devices: { sda: { disk_id: 555 }, sdb: { disk_id: 556 } } })
      .reply(200, {}, { Date: 'Thu, 03 Dec 2026 04:41:07 GMT' });
    // The job is waited for by its event (linodego WaitForEventFinished), not by a status that still
    // says `running` before the job starts: not listed yet, started, finished.
    const events = (file: string) =>
      nock('https://api.linode.com', {
        reqheaders: {
          authorization: `Bearer ${TOKEN}`,
          'x-filter': (v: string | null) => {
            const filter = JSON.parse(v ?? '{}') as Record<string, unknown>;
            return (
              filter['entity.id'] === 123 &&
              JSON.stringify(filter.created) === '{"+gte":"2026-12-03T04:40:57"}'
            );
          },
        },
      })
        .get('/v4/account/events')
        .query({ page_size: 25 })
        .reply(200, f(file));
    events('events-empty.json');
    events('events-boot-started.json');
    events('events-boot-finished.json');
    api().get('/v4/profile').reply(200, f('profile.json'));
    const access = await adapter({ LINODE_LISH_KEY_FILE: '/keys/lish' }).rescueBoot!(server);
    expect(access.disks).toEqual({
      '/dev/sda': 'Debian 12 Disk (ext4)',
      '/dev/sdb': '512 MB Swap Image (swap)',
    });
    expect(access.console).toMatchObject({ kind: 'serial-ssh', command: 'web-1' });
    api()
      .post('/v4/linode/instances/123/reboot', {})
      .reply(200, {}, { Date: 'Thu, 03 Dec 2026 04:41:07 GMT' });
    events('events-boot-failed.json');
    const err = await rejectsWithCode(adapter().exitRescue!(server), 'provider.api');
    expect(String(err.params.detail)).toContain('no bootable device');
  });

  describe('HTTP errors', () => {
    const cases: [number, string, Record<string, string>?][] = [
      [401, 'auth.failed'],
      [403, 'auth.forbidden'],
      [409, 'provider.conflict'],
      [429, 'provider.rate-limited', { 'Retry-After': '12' }],
      [500, 'provider.api'],
    ];
    for (const [status, code, headers] of cases) {
      it(`${status} → ${code}`, async () => {
        api()
          .get('/v4/profile')
          .reply(status, f(`error-${status}.json`), headers);
        const err = await rejectsWithCode(adapter().openConsole(server, 'serial'), code);
        if (status === 429) expect(err.params.retryAfter).toBe(12);
        if (status === 500) expect(err.params.detail).toBe(': Please try again');
        expect(JSON.stringify(err)).not.toContain(TOKEN);
      });
    }

    it('a hanging API is provider.timeout', async () => {
      api().get('/v4/profile').delay(2000).reply(200, f('profile.json'));
      await rejectsWithCode(adapter().openConsole(server, 'serial'), 'provider.timeout');
    });
  });
});

import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import type { ServerRef } from '../types.js';
import { createAdapter } from './index.js';

useStrictNock();
const f = (name: string) => fixture(import.meta.url, name);
const TOKEN = 'root@pam!rescue=CANARY-0000-1111-2222-333333333333';
const AUTH = `PVEAPIToken=${TOKEN}`;
const ORIGIN = 'https://pve.example.test:8006';
const api = () => nock(ORIGIN, { reqheaders: { authorization: AUTH } });
const adapter = () =>
  createAdapter({
    env: { PROXMOX_VE_ENDPOINT: `${ORIGIN}/`, PROXMOX_VE_API_TOKEN: TOKEN, PROXMOX_VE_INSECURE: 'true' },
    lang: 'en',
    pollIntervalMs: 0,
    timeoutMs: 500,
  });
const vm: ServerRef = {
  provider: 'proxmox',
  id: '100',
  name: 'web-1',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: [], ipv6: [] },
  location: 'pve1',
  vendor: { type: 'qemu' },
};
const VM = '/api2/json/nodes/pve1/qemu/100';

describe('proxmox adapter', () => {
  beforeEach(() => clearSecretsForTest());

  it('finds a VM by name or vmid through cluster resources, skipping templates', async () => {
    api()
      .get('/api2/json/cluster/resources')
      .query({ type: 'vm' })
      .times(2)
      .reply(200, f('cluster-resources.json'));
    expect(await adapter().findServer({ name: 'web-1' })).toMatchObject({
      id: '100',
      location: 'pve1',
      status: 'running',
    });
    expect((await adapter().findServer({ id: '102' })).status).toBe('stopped');
  });

  it('finds a VM by IP through the guest agent; VMs without an agent are skipped', async () => {
    api().get('/api2/json/cluster/resources').query({ type: 'vm' }).reply(200, f('cluster-resources.json'));
    api().get(`${VM}/agent/network-get-interfaces`).reply(200, f('agent-interfaces-100.json'));
    api()
      .get('/api2/json/nodes/pve2/qemu/101/agent/network-get-interfaces')
      .reply(500, f('agent-not-running.json'));
    const found = await adapter().findServer({ ip: '203.0.113.50' });
    expect(found).toMatchObject({ id: '100', addresses: { ipv4: ['203.0.113.50'] } });
  });

  it('opens termproxy on the serial socket with the ticket for the websocket', async () => {
    api().get(`${VM}/config`).reply(200, f('config-serial.json'));
    // A token opens termproxy from qemu-server 9.1.7 on (termproxy checks via /access/vncticket).
    api().get('/api2/json/nodes/pve1/apt/versions').reply(200, f('apt-versions-9.1.7.json'));
    api().post(`${VM}/termproxy`, { serial: 'serial0' }).reply(200, f('termproxy.json'));
    const endpoint = await adapter().openConsole(vm, 'serial');
    const ticket = 'PVEVNC:6631F2A0::CANARY-vncticket-aBcD';
    expect(endpoint).toEqual({
      kind: 'termproxy-ws',
      url: `wss://pve.example.test:8006${VM}/vncwebsocket?port=5900&vncticket=${encodeURIComponent(ticket)}`,
      user: 'root@pam!rescue',
      ticket,
      headers: { Authorization: AUTH },
      insecureTls: true,
    });
    expect(mask(JSON.stringify(endpoint))).not.toMatch(/CANARY/);
  });

  describe('serial console with an API token (termproxy checks tickets via /access/ticket before qemu-server 9.1.7)', () => {
    it('a token alone on an older node: console.unavailable at once, termproxy is never opened', async () => {
      api().get(`${VM}/config`).reply(200, f('config-serial.json'));
      api().get('/api2/json/nodes/pve1/apt/versions').reply(200, f('apt-versions-8.4.json'));
      const err = await rejectsWithCode(adapter().openConsole(vm, 'serial'), 'console.unavailable');
      expect(String(err.params.hint)).toContain('8.4.1');
      expect(String(err.params.hint)).toContain('PROXMOX_VE_USERNAME');
    });

    it('the version cannot be read (no Sys.Audit): termproxy is tried with the token', async () => {
      api().get(`${VM}/config`).reply(200, f('config-serial.json'));
      api().get('/api2/json/nodes/pve1/apt/versions').reply(403, f('error-403.json'));
      api().post(`${VM}/termproxy`, { serial: 'serial0' }).reply(200, f('termproxy.json'));
      expect(await adapter().openConsole(vm, 'serial')).toMatchObject({ kind: 'termproxy-ws' });
    });

    it('token plus user and password: termproxy is opened on a ticket session, the API stays on the token', async () => {
      api().get(`${VM}/config`).reply(200, f('config-serial.json'));
      nock(ORIGIN)
        .post('/api2/json/access/ticket', { username: 'root@pam', password: 'CANARY-pvepass' })
        .reply(200, f('ticket.json'));
      nock(ORIGIN, { reqheaders: { cookie: 'PVEAuthCookie=PVE:root@pam:6631F2A0::CANARY-authticket-xyz' } })
        .post(`${VM}/termproxy`, { serial: 'serial0' })
        .reply(200, { data: { ...(f('termproxy.json').data as object), user: 'root@pam' } });
      const a = createAdapter({
        env: {
          PROXMOX_VE_ENDPOINT: ORIGIN,
          PROXMOX_VE_API_TOKEN: TOKEN,
          PROXMOX_VE_USERNAME: 'root@pam',
          PROXMOX_VE_PASSWORD: 'CANARY-pvepass',
        },
        lang: 'en',
      });
      const endpoint = await a.openConsole(vm, 'serial');
      expect(endpoint).toMatchObject({
        kind: 'termproxy-ws',
        user: 'root@pam',
        headers: { Cookie: 'PVEAuthCookie=PVE:root@pam:6631F2A0::CANARY-authticket-xyz' },
      });
    });
  });

  it('VNC since qemu-server 9.1.7: the password is the `password` field, not the prefixed ticket', async () => {
    // qemu-server Qemu.pm vncproxy (commit 282ec11d): ticket = "${password}:${ticket}" until the next major.
    api().post(`${VM}/vncproxy`, { websocket: 1 }).reply(200, f('vncproxy-9.1.7.json'));
    const endpoint = await adapter().openConsole(vm, 'vnc');
    expect(endpoint).toMatchObject({ kind: 'vnc-ws', password: 'CANARYpw' });
    expect(mask('CANARYpw')).toBe('***');
  });

  it('the VNC websocket honours PROXMOX_VE_INSECURE like the API calls do', async () => {
    api().post(`${VM}/vncproxy`, { websocket: 1 }).reply(200, f('vncproxy.json'));
    expect(await adapter().openConsole(vm, 'vnc')).toMatchObject({ insecureTls: true });
  });

  it('no serial socket is console.unavailable with the qm command to add one', async () => {
    api().get(`${VM}/config`).reply(200, f('config-no-serial.json'));
    const err = await rejectsWithCode(adapter().openConsole(vm, 'serial'), 'console.unavailable');
    expect(err.params.hint).toContain('qm set 100 -serial0 socket');
  });

  it('VNC before qemu-server 9.1.7 (no `password` field): the password is the ticket', async () => {
    api().post(`${VM}/vncproxy`, { websocket: 1 }).reply(200, f('vncproxy.json'));
    const endpoint = await adapter().openConsole(vm, 'vnc');
    expect(endpoint).toMatchObject({ kind: 'vnc-ws', password: 'PVEVNC:6631F2A1::CANARY-vncproxy-EfGh' });
  });

  it('runs a command through the guest agent and polls for its result', async () => {
    api()
      .post(`${VM}/agent/exec`, { command: ['sshd', '-t'], 'input-data': '' })
      .reply(200, f('exec.json'));
    api().get(`${VM}/agent/exec-status`).query({ pid: 4242 }).reply(200, f('exec-status-running.json'));
    api().get(`${VM}/agent/exec-status`).query({ pid: 4242 }).reply(200, f('exec-status-done.json'));
    const result = await adapter().runCommand!(vm, ['sshd', '-t'], { input: '' });
    expect(result).toEqual({ exitCode: 0, stdout: 'sshd: no hostkeys available -- exiting.\n', stderr: '' });
  });

  it('a guest command still running at its time limit is provider.timeout', async () => {
    api().post(`${VM}/agent/exec`).reply(200, f('exec.json'));
    api().get(`${VM}/agent/exec-status`).query({ pid: 4242 }).reply(200, f('exec-status-running.json'));
    const err = await rejectsWithCode(
      adapter().runCommand!(vm, ['sleep', '600'], { timeoutMs: 0 }),
      'provider.timeout',
    );
    expect(err.params.operation).toBe('guest exec');
  });

  it('a guest-agent call on a stopped VM is refused before calling', async () => {
    const stopped = { ...vm, status: 'stopped' as const, vendorStatus: 'stopped' };
    await rejectsWithCode(adapter().runCommand!(stopped, ['true']), 'provider.precondition');
  });

  it('containers are refused with a clear reason', async () => {
    const ct = { ...vm, id: '200', vendor: { type: 'lxc' } };
    const err = await rejectsWithCode(adapter().openConsole(ct, 'serial'), 'provider.precondition');
    expect(err.params.reason).toContain('LXC');
  });

  it('logs in with a ticket when no API token is given, sending CSRF on writes', async () => {
    nock(ORIGIN)
      .post('/api2/json/access/ticket', { username: 'root@pam', password: 'CANARY-pvepass' })
      .reply(200, f('ticket.json'));
    nock(ORIGIN, {
      reqheaders: {
        cookie: 'PVEAuthCookie=PVE:root@pam:6631F2A0::CANARY-authticket-xyz',
        csrfpreventiontoken: '6631F2A0:CANARY-csrf-123',
      },
    })
      .post(`${VM}/vncproxy`)
      .reply(200, f('vncproxy.json'));
    const a = createAdapter({
      env: {
        PROXMOX_VE_ENDPOINT: ORIGIN,
        PROXMOX_VE_USERNAME: 'root@pam',
        PROXMOX_VE_PASSWORD: 'CANARY-pvepass',
      },
      lang: 'en',
    });
    await a.openConsole(vm, 'vnc');
    expect(mask('PVE:root@pam:6631F2A0::CANARY-authticket-xyz CANARY-pvepass')).toBe('*** ***');
  });

  describe('HTTP errors', () => {
    const cases: [number, string, Record<string, string>?][] = [
      [401, 'auth.failed'],
      [403, 'auth.forbidden'],
      [500, 'provider.api'],
    ];
    for (const [status, code] of cases) {
      it(`${status} → ${code}`, async () => {
        api()
          .post(`${VM}/vncproxy`)
          .reply(status, f(`error-${status}.json`));
        const err = await rejectsWithCode(adapter().openConsole(vm, 'vnc'), code);
        if (status === 403) expect(err.params.detail).toContain('VM.Console');
        if (status === 500) expect(err.params.detail).toContain('VM 100 not running');
        expect(JSON.stringify(err)).not.toContain('CANARY');
      });
    }

    it('429 with Retry-After and a timeout', async () => {
      api().post(`${VM}/vncproxy`).reply(429, { data: null }, { 'Retry-After': '5' });
      expect(
        (await rejectsWithCode(adapter().openConsole(vm, 'vnc'), 'provider.rate-limited')).params.retryAfter,
      ).toBe(5);
      api().post(`${VM}/vncproxy`).delay(2000).reply(200, f('vncproxy.json'));
      await rejectsWithCode(adapter().openConsole(vm, 'vnc'), 'provider.timeout');
    });
  });
});

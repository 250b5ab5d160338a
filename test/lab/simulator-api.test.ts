import axios from 'axios';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../lab/simulator/index.js';
import { ed25519KeyPair } from '../../lab/ssh2-keys.js';
import { loadProvider } from '../../providers/index.js';
import type { ServerRef } from '../../providers/types.js';
import { openTransport } from '../../src/console/transport/index.js';
import { rejectsWithCode } from '../support/fixture.js';

/**
 * The simulator's own checks, without a lab server: a unix socket stands in for a console. Vendor
 * error bodies match the adapters' fixtures, console URLs carry working single-purpose secrets, and
 * what the vendor refuses is refused.
 */
const providerFixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../providers/${path}`, import.meta.url), 'utf8'));

const BANNER = 'fake-console login: ';

describe('provider simulator API and console gateways', () => {
  let dir: string;
  let consoleServer: net.Server;
  let sim: Simulator;
  const address = '127.0.1.251';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-api-'));
    const socketPath = join(dir, 'console.sock');
    consoleServer = net.createServer((c) => {
      c.on('error', () => {});
      // Later than the connect: a termproxy client can drop bytes that arrive in the same tick as
      // its `OK` (reported to the console engineer); a getty never speaks that fast either.
      setTimeout(() => c.write(BANNER), 50);
      c.on('data', (d) => c.write(d));
    });
    await new Promise<void>((resolve) => consoleServer.listen(socketPath, resolve));
    sim = await startSimulator({ servers: [{ name: 'web-1', address, consoleSocket: socketPath }] });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => consoleServer.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const post = (url: string, data: unknown, headers: Record<string, string> = {}) =>
    axios.post(url, data, { headers, validateStatus: () => true });
  const get = (url: string, headers: Record<string, string> = {}) =>
    axios.get(url, { headers, validateStatus: () => true });

  /** What a console transport receives within a moment of connecting. */
  async function firstBytes(endpoint: Parameters<typeof openTransport>[0]): Promise<string> {
    const transport = await openTransport(endpoint);
    let seen = '';
    transport.onData((d) => (seen += Buffer.from(d).toString('utf8')));
    transport.write('echo-me');
    const deadline = Date.now() + 3000;
    while (!(seen.includes('echo-me') && seen.includes(BANNER)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await transport.close();
    return seen;
  }

  it('401 bodies are the vendors’ own shapes (as in the adapters’ fixtures)', async () => {
    const keystone = await post(`${sim.endpoint('openstack')}/auth/tokens`, { auth: {} });
    expect(keystone.status).toBe(401);
    expect(keystone.data).toEqual(providerFixture('openstack/fixtures/error-401.json'));
    const nova = await get(`${sim.url}/openstack/compute/v2.1/servers/detail`, { 'X-Auth-Token': 'nope' });
    expect(nova.data).toEqual(providerFixture('openstack/fixtures/error-401.json'));
    const linode = await get(`${sim.endpoint('linode')}/profile`, { Authorization: 'Bearer nope' });
    expect([linode.status, linode.data]).toEqual([401, providerFixture('linode/fixtures/error-401.json')]);
    const pve = await get(`${sim.url}/api2/json/cluster/resources`);
    expect([pve.status, pve.data]).toEqual([401, providerFixture('proxmox/fixtures/error-401.json')]);
  });

  it('nova serial console: a fresh token per request, checked by the websocket gateway', async () => {
    const adapter = await loadProvider('openstack', sim.context('openstack'));
    const server = await adapter.findServer({ name: 'web-1' });
    const a = await adapter.openConsole(server, 'serial');
    const b = await adapter.openConsole(server, 'serial');
    if (a.kind !== 'serial-ws' || b.kind !== 'serial-ws') throw new Error('expected serial-ws endpoints');
    expect(new URL(a.url).searchParams.get('token')).not.toBe(new URL(b.url).searchParams.get('token'));
    expect(await firstBytes(a)).toContain(BANNER);

    const forged = new URL(a.url);
    forged.searchParams.set('token', 'forged');
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(forged.toString(), ['binary']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
  });

  it('nova without microversion 2.6 has no remote-consoles; VNC is console.unavailable', async () => {
    const ctx = sim.context('openstack');
    const token = await post(`${sim.endpoint('openstack')}/auth/tokens`, {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: ctx.env.OS_USERNAME, domain: { name: 'Default' }, password: ctx.env.OS_PASSWORD },
          },
        },
      },
    });
    expect(token.status).toBe(201);
    const id = sim.servers[0]!.uuid;
    const res = await post(
      `${sim.url}/openstack/compute/v2.1/servers/${id}/remote-consoles`,
      { remote_console: { protocol: 'serial', type: 'serial' } },
      { 'X-Auth-Token': String(token.headers['x-subject-token']) },
    );
    expect(res.status).toBe(404);
    const adapter = await loadProvider('openstack', ctx);
    const server = await adapter.findServer({ ip: address });
    await rejectsWithCode(adapter.openConsole(server, 'vnc'), 'console.unavailable');
  });

  it('openstack application credentials authenticate; a wrong secret is auth.failed', async () => {
    const ctx = sim.context('openstack', { variant: 'openstack-appcred' });
    expect(ctx.env.OS_PASSWORD).toBeUndefined();
    const adapter = await loadProvider('openstack', ctx);
    expect((await adapter.findServer({ ip: address })).name).toBe('web-1');
    const bad = await loadProvider('openstack', {
      ...ctx,
      env: { ...ctx.env, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong' },
    });
    await rejectsWithCode(bad.findServer({ ip: address }), 'auth.failed');
  });

  it('proxmox: API token reaches termproxy; the websocket checks auth, VNC ticket and ticket line', async () => {
    const token = await loadProvider('proxmox', sim.context('proxmox'));
    const vm = await token.findServer({ ip: address });
    const endpoint = await token.openConsole(vm, 'serial');
    if (endpoint.kind !== 'termproxy-ws') throw new Error('expected termproxy-ws');
    expect(endpoint.user).toBe('root@pam!rescue');
    expect(await firstBytes(endpoint)).toContain(BANNER);

    // Without the API auth header, or with another VNC ticket, pveproxy refuses the upgrade.
    await rejectsWithCode(openTransport({ ...endpoint, headers: {} }), 'console.connect');
    const otherTicket = endpoint.url.replace(/vncticket=[^&]+/, 'vncticket=PVEVNC%3Aforged');
    await rejectsWithCode(openTransport({ ...endpoint, url: otherTicket }), 'console.connect');
    // termproxy itself refuses a wrong `user:ticket` line.
    await rejectsWithCode(openTransport({ ...endpoint, user: 'alice@pve' }), 'console.connect');
  });

  it('proxmox: user + password log in through /access/ticket (cookie + CSRF); a wrong one is auth.failed', async () => {
    const ctx = sim.context('proxmox', { variant: 'proxmox-password' });
    const adapter = await loadProvider('proxmox', ctx);
    const vm = await adapter.findServer({ ip: address });
    const endpoint = await adapter.openConsole(vm, 'serial');
    if (endpoint.kind !== 'termproxy-ws') throw new Error('expected termproxy-ws');
    expect(endpoint.user).toBe('root@pam');
    expect(Object.keys(endpoint.headers ?? {})).toContain('Cookie');
    expect(await firstBytes(endpoint)).toContain(BANNER);
    expect(sim.log.some((e) => e.path === '/api2/json/access/ticket' && e.status === 200)).toBe(true);

    const bad = await loadProvider('proxmox', { ...ctx, env: { ...ctx.env, PROXMOX_VE_PASSWORD: 'wrong' } });
    await rejectsWithCode(bad.findServer({ name: 'web-1' }), 'auth.failed');
  });

  it('vendor time limits: nova tokens expire for new sessions; termproxy takes one connection, within its timeout', async () => {
    const short = await startSimulator({
      servers: [{ name: 'web-1', address, consoleSocket: join(dir, 'console.sock') }],
      timings: { novaTokenTtlMs: 300, termproxyAcceptMs: 300 },
    });
    try {
      const nova = await loadProvider('openstack', short.context('openstack'));
      const novaEndpoint = await nova.openConsole(await nova.findServer({ ip: address }), 'serial');
      const live = await openTransport(novaEndpoint);
      await new Promise((r) => setTimeout(r, 400));
      await rejectsWithCode(openTransport(novaEndpoint), 'console.connect');
      // An established session outlives its token (enforce_session_timeout is off by default).
      expect(live.closed).toBe(false);
      await live.close();

      const pve = await loadProvider('proxmox', short.context('proxmox'));
      const vm = await pve.findServer({ ip: address });
      const once = await pve.openConsole(vm, 'serial');
      expect(await firstBytes(once)).toContain(BANNER);
      await rejectsWithCode(openTransport(once), 'console.connect');
      const late = await pve.openConsole(vm, 'serial');
      await new Promise((r) => setTimeout(r, 400));
      await rejectsWithCode(openTransport(late), 'console.connect');
    } finally {
      await short.close();
    }
  });

  it('linode: Lish refuses a key other than the profile’s', async () => {
    const adapter = await loadProvider('linode', sim.context('linode'));
    const server: ServerRef = await adapter.findServer({ name: 'web-1' });
    const endpoint = await adapter.openConsole(server, 'serial');
    if (endpoint.kind !== 'serial-ssh') throw new Error('expected serial-ssh');
    expect(endpoint.command).toBe('web-1');
    expect(await firstBytes(endpoint)).toContain(BANNER);
    const other = ed25519KeyPair().private;
    await rejectsWithCode(openTransport({ ...endpoint, privateKey: other }), 'console.connect');
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bootScenario,
  createServer,
  PASSWORDS,
  type BootedScenario,
  type LabServer,
} from '../../lab/index.js';
import { startSimulator, type Simulator, type SimulatedProvider } from '../../lab/simulator/index.js';
import { loadProvider } from '../../providers/index.js';
import type { ConsoleEndpoint } from '../../src/console/endpoint.js';
import { ConsoleSession } from '../../src/console/session.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * The real adapters, unchanged, against the simulator: vendor API calls find a real lab server by
 * its address, the console URL they get leads through the lab's gateways to its getty, and the
 * console engine logs in as root there.
 */
labDescribe('provider simulator → real adapters → lab server console', () => {
  let booted: BootedScenario;
  // A second server with another hostname proves each console leads to the server that was found.
  let other: LabServer;
  let sim: Simulator;

  beforeAll(async () => {
    const [b, o] = await Promise.allSettled([
      bootScenario('story-wrong-dir'),
      createServer({ hostname: 'db02', rootPassword: PASSWORDS.root }),
    ]);
    if (b.status === 'fulfilled') booted = b.value;
    if (o.status === 'fulfilled') other = o.value;
    if (b.status === 'rejected') throw b.reason;
    if (o.status === 'rejected') throw o.reason;
    sim = await startSimulator({ servers: [booted.server, other] });
  });

  afterAll(async () => {
    await sim?.close();
    await Promise.allSettled([booted?.server.destroy(), other?.destroy()]);
  });

  /** Log in as root on the console, check `hostname`, log out. */
  async function hostnameOnConsole(endpoint: ConsoleEndpoint): Promise<string> {
    const session = await ConsoleSession.open(endpoint);
    try {
      const login = await session.login({ user: 'root', password: PASSWORDS.root });
      expect(login.uid).toBe(0);
      const result = await session.run('hostname');
      expect(result.exitCode).toBe(0);
      return result.stdout.trim();
    } finally {
      await session.close({ logout: true });
    }
  }

  // provider, endpoint kind, the console API call it must have made
  const cases: Array<[SimulatedProvider, string, RegExp]> = [
    ['conoha', 'serial-ws', /^\/conoha\/compute\/v2\.1\/servers\/[^/]+\/remote-consoles$/],
    ['openstack', 'serial-ws', /^\/openstack\/compute\/v2\.1\/servers\/[^/]+\/remote-consoles$/],
    ['proxmox', 'termproxy-ws', /^\/api2\/json\/nodes\/lab\/qemu\/101\/vncwebsocket$/],
    ['linode', 'serial-ssh', /^\/linode\/v4\/profile$/],
  ];

  for (const [provider, kind, apiCall] of cases) {
    it(`${provider}: finds each server by IP, opens its ${kind} console and logs in as root`, async () => {
      const adapter = await loadProvider(provider, sim.context(provider));
      const targets: Array<[LabServer, string]> = [
        [booted.server, 'vps'],
        [other, 'db02'],
      ];
      const hostnames = await Promise.all(
        targets.map(async ([lab]) => {
          const server = await adapter.findServer({ ip: lab.address });
          expect(server).toMatchObject({ provider, status: 'running', name: lab.name });
          expect(server.addresses.ipv4).toContain(lab.address);
          const endpoint = await adapter.openConsole(server, 'serial');
          expect(endpoint.kind).toBe(kind);
          return hostnameOnConsole(endpoint);
        }),
      );
      expect(hostnames).toEqual(targets.map(([, hostname]) => hostname));
      expect(sim.log.some((e) => apiCall.test(e.path))).toBe(true);
    });
  }

  it('conoha VPS 2.0: Keystone v2.0 token and the legacy serial console action', async () => {
    const adapter = await loadProvider('conoha', sim.context('conoha', { variant: 'conoha-v2' }));
    const server = await adapter.findServer({ name: booted.server.name });
    const endpoint = await adapter.openConsole(server, 'serial');
    expect(endpoint.kind).toBe('serial-ws');
    expect(sim.log.at(-1)?.path).toMatch(/\/conoha\/compute\/v2\/[0-9a-f]+\/servers\/[^/]+\/action$/);
    expect(await hostnameOnConsole(endpoint)).toBe('vps');
  });

  const wrong: Record<SimulatedProvider, Record<string, string>> = {
    conoha: { OS_PASSWORD: 'not-the-password' },
    openstack: { OS_PASSWORD: 'not-the-password' },
    proxmox: { PROXMOX_VE_API_TOKEN: 'root@pam!rescue=00000000-0000-0000-0000-000000000000' },
    linode: { LINODE_TOKEN: 'f'.repeat(64) },
    hetzner: { HCLOUD_TOKEN: 'not-the-token' },
  };
  for (const [provider, override] of Object.entries(wrong) as Array<
    [SimulatedProvider, Record<string, string>]
  >) {
    it(`${provider}: wrong credentials are auth.failed (401), unknown address is provider.not-found`, async () => {
      const ctx = sim.context(provider);
      const bad = await loadProvider(provider, { ...ctx, env: { ...ctx.env, ...override } });
      const denied = await bad.findServer({ ip: booted.server.address }).catch((e: unknown) => e);
      expect(isRescueError(denied) && denied.code).toBe('auth.failed');
      expect(isRescueError(denied) && denied.params.status).toBe(401);

      const good = await loadProvider(provider, ctx);
      const missing = await good.findServer({ ip: '127.0.1.254' }).catch((e: unknown) => e);
      expect(isRescueError(missing) && missing.code).toBe('provider.not-found');
    });
  }
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSimulator,
  type Simulator,
  type SimulatedProvider,
  type SimVariant,
} from '../../lab/simulator/index.js';
import { startBareQemu, type BareQemu } from '../../lab/vm/bare-qemu.js';
import { LabVm } from '../../lab/vm/vm.js';
import { waitForLoginScreen } from '../../lab/vm/wait.js';
import { loadProvider } from '../../providers/index.js';
import type { ConsoleEndpoint, VncWebsocketEndpoint } from '../../src/console/endpoint.js';
import { ConsoleSession } from '../../src/console/session.js';
import { openTransport } from '../../src/console/transport/index.js';
import { RfbClient } from '../../src/console/vnc/rfb-client.js';
import type { VncTransport } from '../../src/console/vnc/vnc-transport.js';
import { RescueError } from '../../src/errors/rescue-error.js';
import { rejectsWithCode } from '../support/fixture.js';
import { vncOnlyServer } from './console-terminal.js';

const ADDRESS = '127.0.1.240';
const PLAIN = '127.0.1.241';
/** Short vendor windows, so expiry is tested in seconds; a console is opened well within them. */
const WINDOW_MS = 3000;
/**
 * The product's glyph tables lack SeaVGABIOS's `v` and `m` (its ROM font differs from the Linux
 * console fonts there): they read as U+FFFD, so those two letters are matched loosely.
 */
const NO_BOOT = /No bootable de.ice\./;

/**
 * VNC consoles through the simulator, from the real adapters to a real VNC server: a QEMU with no disk
 * (SeaBIOS's screen, "No bootable device") registered as a server's VNC backend. Needs only
 * qemu-system-x86_64 (installed by .ci/run), not the lab VM image, so it always runs.
 */
/** The product's known error for a console that would not open, with the server's reason in it. */
async function refused(opening: Promise<unknown>, reason: RegExp): Promise<void> {
  const err = await opening.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RescueError);
  expect((err as RescueError).code).toBe('console.connect');
  expect(String((err as RescueError).params.reason)).toMatch(reason);
}

describe('provider simulator VNC consoles → real adapters → a diskless QEMU', () => {
  let qemu: BareQemu;
  let sim: Simulator;

  beforeAll(async () => {
    qemu = await startBareQemu();
    sim = await startSimulator({
      servers: [
        vncOnlyServer(qemu, 'vnc-1', ADDRESS),
        { name: 'text-only', address: PLAIN, consoleSocket: '/nonexistent/console.sock' },
      ],
      timings: { hetznerConsoleTtlMs: WINDOW_MS, novaTokenTtlMs: WINDOW_MS, termproxyAcceptMs: WINDOW_MS },
    });
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    await qemu?.stop();
  });

  async function vncEndpoint(provider: SimulatedProvider, variant?: SimVariant, ip = ADDRESS) {
    const adapter = await loadProvider(provider, sim.context(provider, variant ? { variant } : {}));
    const server = await adapter.findServer({ ip });
    return adapter.openConsole(server, 'vnc');
  }

  function asVnc(endpoint: ConsoleEndpoint): VncWebsocketEndpoint {
    expect(endpoint.kind).toBe('vnc-ws');
    return endpoint as VncWebsocketEndpoint;
  }

  /** Opens the product's VNC transport and reads SeaBIOS's screen; closes it again. */
  async function seaBiosScreen(endpoint: ConsoleEndpoint): Promise<string[]> {
    const transport = (await openTransport(endpoint)) as VncTransport;
    try {
      expect([transport.client.fb.width, transport.client.fb.height]).toEqual([720, 400]);
      const deadline = Date.now() + 20_000;
      let lines = transport.readScreen().lines;
      // SeaBIOS may still be probing when we connect: wait for its last word.
      while (!NO_BOOT.test(lines.join('\n')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        lines = transport.readScreen().lines;
      }
      return lines.map((l) => l.trimEnd()).filter(Boolean);
    } finally {
      await transport.close();
    }
  }

  const cases: Array<[SimulatedProvider, SimVariant | undefined, RegExp, boolean]> = [
    ['hetzner', undefined, /^\/hetzner\/v1\/servers\/\d+\/actions\/request_console$/, true],
    ['openstack', undefined, /^\/openstack\/compute\/v2\.1\/servers\/[^/]+\/remote-consoles$/, false],
    ['conoha', undefined, /^\/conoha\/compute\/v2\.1\/servers\/[^/]+\/remote-consoles$/, false],
    ['conoha', 'conoha-v2', /^\/conoha\/compute\/v2\/[^/]+\/servers\/[^/]+\/action$/, false],
    ['proxmox', undefined, /^\/api2\/json\/nodes\/lab\/qemu\/100\/vncproxy$/, true],
  ];
  for (const [provider, variant, apiCall, withPassword] of cases) {
    it(`${variant ?? provider}: openConsole(vnc) → RFB handshake → SeaBIOS's screen read as text`, async () => {
      const before = sim.log.length;
      const endpoint = asVnc(await vncEndpoint(provider, variant));
      expect(endpoint.password !== undefined).toBe(withPassword);
      const lines = await seaBiosScreen(endpoint);
      expect(lines[0]).toMatch(/^SeaBIOS \(.ersion [\d.]+/);
      expect(lines).toContain('Boot failed: could not read the boot disk');
      expect(lines.at(-1)).toMatch(NO_BOOT);
      const calls = sim.log.slice(before);
      expect(calls.some((c) => apiCall.test(c.path))).toBe(true);
      expect(calls.some((c) => c.method === 'UPGRADE')).toBe(true);
      // Neither the password nor the URL's token ever reaches the simulator's log.
      const logged = JSON.stringify(sim.log);
      const url = new URL(endpoint.url);
      const query = url.searchParams;
      for (const secret of [endpoint.password, query.get('token'), query.get('vncticket'), qemu.password]) {
        if (secret) expect(logged).not.toContain(secret);
      }
    }, 60_000);
  }

  it('hetzner: a wrong VNC password is refused by VNC auth; a forged token by the websocket', async () => {
    const endpoint = asVnc(await vncEndpoint('hetzner'));
    await refused(
      openTransport({ ...endpoint, password: 'wrong!' }),
      /VNC authentication failed: Authentication failed/,
    );
    const forged = endpoint.url.replace(/token=[^&]+/, 'token=forged');
    await refused(openTransport({ ...endpoint, url: forged }), /401/);
    // Another server's id with this token is refused too.
    const elsewhere = endpoint.url.replace(/server_id=\d+/, 'server_id=1');
    await refused(openTransport({ ...endpoint, url: elsewhere }), /401/);
    // The URL is good for more than one connection while it lasts (the refusals above spent nothing).
    expect((await seaBiosScreen(endpoint)).join('\n')).toMatch(NO_BOOT);
  }, 60_000);

  it('hetzner and nova: a console URL past its window opens nothing', async () => {
    const hetzner = asVnc(await vncEndpoint('hetzner'));
    const nova = asVnc(await vncEndpoint('openstack'));
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    await refused(openTransport(hetzner), /401/);
    await refused(openTransport(nova), /401/);
  }, 60_000);

  it('proxmox: the ticket opens one connection only; a wrong ticket, password or late arrival is refused', async () => {
    const endpoint = asVnc(await vncEndpoint('proxmox'));
    expect(endpoint.password).toMatch(/^PVEVNC:/);
    expect(new URL(endpoint.url).searchParams.get('vncticket')).toBe(endpoint.password);
    expect((await seaBiosScreen(endpoint)).join('\n')).toMatch(NO_BOOT);
    await refused(openTransport(endpoint), /401/);

    const fresh = asVnc(await vncEndpoint('proxmox'));
    const forged = fresh.url.replace(/vncticket=[^&]+/, 'vncticket=PVEVNC%3Aforged');
    await refused(openTransport({ ...fresh, url: forged }), /401/);
    // VNC auth reads 8 characters; "PVEVNC:x" differs from every ticket there.
    await refused(openTransport({ ...fresh, password: 'PVEVNC:x' }), /VNC authentication failed/);
    const late = asVnc(await vncEndpoint('proxmox'));
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    await refused(openTransport(late), /401/);
  }, 60_000);

  it('a server registered without VNC: each vendor refuses the console as it does when VNC is off', async () => {
    await rejectsWithCode(vncEndpoint('hetzner', undefined, PLAIN), 'provider.api');
    await rejectsWithCode(vncEndpoint('openstack', undefined, PLAIN), 'console.unavailable');
    await rejectsWithCode(vncEndpoint('conoha', 'conoha-v2', PLAIN), 'console.unavailable');
    await rejectsWithCode(vncEndpoint('proxmox', undefined, PLAIN), 'provider.api');
  }, 60_000);
});

/**
 * The lab VM's console through the Hetzner route: request_console's URL and password, the simulator's
 * security proxy, QEMU's VNC with its own password behind it; the console engine logs in. A TCG boot
 * takes 40-90 s, so this is only registered with VPS_RESCUE_LAB_VM=1, as test/lab/vnc-vm.test.ts.
 */
if (process.env.VPS_RESCUE_LAB_VM === '1') {
  describe('the lab VM through the simulated Hetzner console', () => {
    const PASSWORD = 'Alice-pass.2024';
    let vm: LabVm;
    let sim: Simulator;
    beforeAll(async () => {
      const vncPassword = randomBytes(6).toString('base64url');
      vm = await LabVm.create({
        keymap: 'us',
        vncPassword,
        users: [{ name: 'alice', password: PASSWORD, groups: ['sudo'] }],
      });
      const probe = await RfbClient.connect({ url: vm.websocketUrl, password: vncPassword });
      await waitForLoginScreen(probe, 240_000);
      probe.close();
      sim = await startSimulator({
        servers: [vncOnlyServer({ vncPort: vm.vncPort, password: vncPassword }, 'vm-1', '127.0.1.242')],
      });
    }, 420_000);
    afterAll(async () => {
      await sim?.close();
      await vm?.destroy();
    });

    it('hetzner: openConsole(vnc) → log in as alice, become root, run a command', async () => {
      const adapter = await loadProvider('hetzner', sim.context('hetzner'));
      const server = await adapter.findServer({ ip: '127.0.1.242' });
      const endpoint = await adapter.openConsole(server, 'vnc');
      const session = await ConsoleSession.open(endpoint);
      try {
        const login = await session.login({ user: 'alice', password: PASSWORD, timeoutMs: 120_000 });
        expect(login.uid).toBe(0);
        expect(await session.run('id -un')).toEqual({ stdout: 'root\n', exitCode: 0 });
      } finally {
        await session.close({ logout: true });
      }
    }, 300_000);
  });
}

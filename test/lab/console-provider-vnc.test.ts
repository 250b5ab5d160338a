import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../lab/simulator/index.js';
import { startBareQemu, type BareQemu } from '../../lab/vm/bare-qemu.js';
import { simulatedProviderArgs } from '../../lab/command-line.js';
import { main } from '../../src/cli/main.js';
import { consoleTerminal, vncOnlyServer } from './console-terminal.js';

const ADDRESS = '127.0.1.239';

/**
 * `vps-rescue console --provider hetzner --watch`: Hetzner has no serial console, so the VNC console
 * is opened and its screen shown as text. The screen is a QEMU with no disk (SeaBIOS); needs only
 * qemu-system-x86_64, like the simulator's other VNC tests.
 */
describe('vps-rescue console --provider with a VNC console', () => {
  let qemu: BareQemu;
  let sim: Simulator;
  beforeAll(async () => {
    qemu = await startBareQemu();
    sim = await startSimulator({
      servers: [vncOnlyServer(qemu, 'vnc-watch', ADDRESS)],
    });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await qemu?.stop();
  });

  it('hetzner --watch: no serial console, so the VNC screen is shown, read as text; Ctrl-C ends it', async () => {
    const { input, err, shown } = consoleTerminal();
    const exit = main(['console', ...simulatedProviderArgs(sim, 'hetzner', ADDRESS), '--watch'], {
      stderr: (t) => err.push(t),
      stdout: () => {},
      env: { ...process.env, ...sim.env('hetzner') },
    });
    await expect.poll(shown, { timeout: 30_000 }).toMatch(/SeaBIOS/);
    await expect.poll(shown, { timeout: 30_000 }).toMatch(/No bootable de.ice/);
    const said = err.join('\n');
    expect(said).toMatch(/serial console skipped|VNC console/);
    expect(said).toContain('read-only');
    input.write('\x03');
    expect(await exit).toBe(0);
    expect(shown()).not.toContain(qemu.password);
  }, 90_000);
});

import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../src/console/session.js';
import { RfbClient } from '../../src/console/vnc/rfb-client.js';
import { VncTransport } from '../../src/console/vnc/vnc-transport.js';
import { LabVm } from '../../lab/vm/vm.js';
import { waitForLoginScreen } from '../../lab/vm/wait.js';

/**
 * The VNC console end to end on a real VM (QEMU TCG): log in and run commands with the guest on a
 * JIS (jp106) keymap while QEMU's own VNC keymap is en-us. A TCG boot takes 30-90 s on two cores, so
 * this is only registered with VPS_RESCUE_LAB_VM=1 (never skipped: not registered at all).
 */
if (process.env.VPS_RESCUE_LAB_VM === '1') {
  describe('VNC console on a lab VM (guest jp106, QEMU keymap en-us)', () => {
    let vm: LabVm;
    beforeAll(async () => {
      vm = await LabVm.create({
        keymap: 'jp106',
        qemuKeymap: 'en-us',
        users: [{ name: 'alice', password: 'Alice-pass.2024', groups: ['sudo'] }],
      });
      const probe = await RfbClient.connect({ url: vm.websocketUrl });
      await waitForLoginScreen(probe, 240_000);
      probe.close();
    }, 420_000);
    afterAll(async () => {
      await vm?.destroy();
    });

    it('logs in, becomes root and runs commands whose characters sit on different JIS keys', async () => {
      let transport: VncTransport | undefined;
      const session = await ConsoleSession.open(async () => {
        transport = await VncTransport.open(
          { kind: 'vnc-ws', url: vm.websocketUrl },
          { keyboard: { guest: 'jp106', server: 'us' } },
        );
        return transport;
      });
      try {
        const login = await session.login({ user: 'alice', password: 'Alice-pass.2024', timeoutMs: 120_000 });
        expect(login.uid).toBe(0);
        const r = await session.run(`echo 'a|b@c:^~_"{}[]' && id -un`, { timeoutMs: 60_000 });
        expect(r.exitCode).toBe(0);
        expect(r.stdout.split(/\r?\n/).map((l) => l.trim())).toEqual(['a|b@c:^~_"{}[]', 'root']);
        const kps = transport!.keyboard.keysPerSecond;
        console.log(`VNC typing: ${transport!.keyboard.counters.keys} keys at ${kps.toFixed(1)} keys/s`);
        expect(kps).toBeGreaterThan(30);
      } finally {
        await session.close({ logout: true });
      }
    }, 300_000);
  });
}

// Without the VM run, vitest still needs a test in this file: check what the VM lab needs is installed
// (.ci/run installs qemu-system-x86 and e2fsprogs), so enabling it never fails on a missing tool.
describe('VNC VM lab prerequisites', () => {
  it('has qemu-system-x86_64 with VNC websocket support and mkfs.ext4 with -d', () => {
    expect(execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' })).toMatch(/QEMU emulator/);
    // `-vnc help` lists the options on stdout and exits non-zero.
    expect(spawnSync('qemu-system-x86_64', ['-vnc', 'help'], { encoding: 'utf8' }).stdout).toMatch(
      /websocket/,
    );
    expect(spawnSync('mkfs.ext4', ['-h'], { encoding: 'utf8' }).stderr).toMatch(/\[-d root-directory/);
  });
});

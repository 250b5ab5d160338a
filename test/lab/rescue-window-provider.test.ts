import { it } from 'vitest';
import { bootScenario, labRescueOptions, PASSWORDS } from '../../lab/index.js';
import { main } from '../../src/cli/main.js';
import { rescue } from '../../src/rescue/run.js';
import { labDescribe } from '../support/lab-guard.js';
import { withProviderRun } from './provider-run.js';

/*
 * `vps-rescue window` through a provider, the way a rescue goes in: a Proxmox VM without a serial port
 * is reached through its QEMU guest agent (the simulator's agent/exec runs in the real lab server).
 */
labDescribe('vps-rescue window through a provider (proxmox guest agent)', () => {
  it('lists the open window and closes it early; password login is refused afterwards', async ({
    expect,
  }) => {
    const b = await bootScenario('story-wrong-dir');
    await withProviderRun(b, 'proxmox', {}, async ({ sim }) => {
      sim.servers[0]!.serialPort = false;
      const opened = await rescue(labRescueOptions(b.server, { action: 'enable-password' }));
      expect(opened.ok).toBe(true);
      const window = async (args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const argv = ['window', ...args, '--provider', 'proxmox', '--endpoint', sim.endpoint('proxmox')];
        const code = await main([...argv, '--host', b.server.address], {
          env: { ...sim.env('proxmox') },
          stdout: (t) => out.push(t),
          stderr: (t) => err.push(t),
        });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      const listed = await window(['list', '--json']);
      expect(listed.code, listed.err).toBe(0);
      expect(listed.err).toMatch(/guest agent/);
      const json = JSON.parse(listed.out) as { windows: { user: string; armed: string; until: string }[] };
      expect(json.windows).toEqual([
        expect.objectContaining({ user: 'alice', armed: 'armed', until: opened.changes[0]!.window!.until }),
      ]);
      const closed = await window(['close', '--user', 'alice']);
      expect(closed.code, closed.err).toBe(0);
      expect((await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).refused).toBe(true);
      expect(
        (await b.server.exec('systemctl is-active vps-rescue-window-alice.timer')).stdout.trim(),
      ).not.toBe('active');
      expect(sim.log.some((e) => e.path.endsWith('/agent/exec'))).toBe(true);
    });
  });
});

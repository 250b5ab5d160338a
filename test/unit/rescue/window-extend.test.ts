import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extendScript, extendWindow } from '../../../src/rescue/window-admin.js';
import { WINDOW_MAX_MINUTES } from '../../../src/rescue/window-closer.js';
import { block, removeSandboxes, sandbox, twoWindows, type Sandbox } from './window-sandbox.js';

/*
 * `vps-rescue window extend`: extendWindow's own script run for real by dash in the sandbox of the
 * closer tests (window-sandbox.ts), through a fake shell, and its answer read back by extendWindow.
 */

afterEach(removeSandboxes);

const NOW = 1_000_000_000;
const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
const STATE = 'T1 999999000 1000000060 160';

function window(o: { state?: string; systemd?: boolean } = {}): Sandbox {
  const s = sandbox({ mode: 'dropin', state: STATE, ...o });
  twoWindows(s);
  return s;
}

const extend = (s: Sandbox, minutes: number, clocks = { now: NOW, uptime: 100 }) =>
  extendWindow(s.shell(clocks), 'alice', minutes);

describe('extending a window: its own script, not the closer', () => {
  it('dash accepts it', () => {
    expect(() => execFileSync('dash', ['-n'], { input: extendScript('alice', 60, 'VR-W-0') })).not.toThrow();
  });

  it('adds to what is left, rewrites both deadlines in one move, arms the closer’s timer again and logs', async () => {
    const s = window();
    const closer = s.file('etc/vps-rescue/close-window-alice');
    // 60 s were left: 30 min more from now on the server's clock, and on /proc/uptime.
    expect(await extend(s, 30)).toBe(iso(NOW + 1860));
    expect(s.file('etc/vps-rescue/window-alice')).toBe('T1 999999000 1000001860 1960\n');
    expect(statSync(join(s.root, 'etc/vps-rescue/window-alice')).mode & 0o777).toBe(0o600);
    expect(s.file('etc/vps-rescue/window-alice.new')).toBeUndefined();
    // The same unit, the same closer path and mode every version of the closer has.
    expect(s.log('systemctl.log')).toMatch(/^stop vps-rescue-window-alice\.timer$/m);
    expect(s.log('systemd-run.log').trim().split('\n')).toEqual([
      `-q --no-block --on-active=1860s --timer-property=AccuracySec=1s --timer-property=RemainAfterElapse=no --unit=vps-rescue-window-alice ${s.root}/etc/vps-rescue/close-window-alice timer`,
    ]);
    expect(s.log('logger.log')).toContain(
      'password window of alice: extended by 1800 s: closes in 1860 s at 1000001860',
    );
    expect(s.file('var/backups/vps-rescue/windows.log')).toBe(
      '2026-01-01T00:00:00Z alice extended by 1800 s: closes in 1860 s at 1000001860\n',
    );
    // Nothing else changes: the closer, the block, bob's window.
    expect(s.file('etc/vps-rescue/close-window-alice')).toBe(closer);
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBe(block('alice'));
    expect(s.file('etc/vps-rescue/window-bob')).toBe('T2 999999000 1000003600 5000\n');
  });

  it('never past the maximum from now, and at least 1 s when the deadline is long past', async () => {
    const max = WINDOW_MAX_MINUTES * 60;
    const s = window();
    expect(await extend(s, WINDOW_MAX_MINUTES)).toBe(iso(NOW + max));
    expect(s.file('etc/vps-rescue/window-alice')).toBe(`T1 999999000 ${NOW + max} ${100 + max}\n`);
    expect(s.log('systemd-run.log')).toContain(`--on-active=${max}s`);
    // A closing that failed an hour ago left the window open: one minute more is nothing left.
    const late = window({ state: `T1 999990000 ${NOW - 3600} 50` });
    expect(await extend(late, 1)).toBe(iso(NOW + 1));
    expect(late.file('etc/vps-rescue/window-alice')).toBe(`T1 999990000 ${NOW + 1} 101\n`);
    expect(late.log('systemd-run.log')).toContain('--on-active=1s');
  });

  it('without systemd arms nothing: the window’s watcher reads the new deadlines and closes at them', async () => {
    const s = window({ systemd: false });
    expect(await extend(s, 1)).toBe(iso(NOW + 120));
    expect(s.file('etc/vps-rescue/window-alice')).toBe('T1 999999000 1000000120 220\n');
    expect(s.log('systemd-run.log') + s.log('systemctl.log')).toBe('');
    expect(s.file('var/backups/vps-rescue/windows.log')).toMatch(/ alice extended by 60 s: closes in 120 s/);
    // The first deadline (uptime 160) has passed; the watcher waits for the new one (220) in steps.
    expect(s.run(['watch', 'T1'], { now: NOW, uptime: 160 }).out).toBe('VR-CLOSED\n');
    expect(s.log('sleep.log')).toBe('5\n'.repeat(12));
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeUndefined();
  });

  it('a permanent window is refused and left as it is', async () => {
    const s = window({ state: 'T1 999999000 -' });
    await expect(extend(s, 30)).rejects.toMatchObject({
      code: 'rescue.failed',
      params: { step: 'window extend', reason: 'the window is permanent: close it instead' },
    });
    expect(s.file('etc/vps-rescue/window-alice')).toBe('T1 999999000 -\n');
    expect(s.log('systemd-run.log') + s.log('systemctl.log')).toBe('');
  });

  it('no window of that user: window.not-found, nothing written', async () => {
    const s = sandbox({ mode: 'dropin' });
    await expect(extend(s, 30)).rejects.toMatchObject({
      code: 'window.not-found',
      params: { user: 'alice' },
    });
    expect(s.file('etc/vps-rescue/window-alice')).toBeUndefined();
    expect(s.log('systemd-run.log') + s.log('var/backups/vps-rescue/windows.log')).toBe('');
  });

  it('a failing arm is a failure: reported, and logged where `window close` and staff look', async () => {
    const s = window();
    s.write('systemd-run.fails', '');
    await expect(extend(s, 30)).rejects.toMatchObject({
      code: 'rescue.failed',
      params: { step: 'window extend', reason: 'the timer was not armed, nothing closes the window now' },
    });
    // arm tries ten times before it gives up.
    expect(s.log('systemd-run.log').trim().split('\n')).toHaveLength(10);
    expect(s.file('var/backups/vps-rescue/windows.log')).toBe(
      '2026-01-01T00:00:00Z alice extension by 1800 s failed: the timer was not armed, nothing closes the window now\n',
    );
    expect(s.log('logger.log')).toContain('password window of alice: extension by 1800 s failed: the timer');
  });

  it('a damaged state file or a missing closer: refused, nothing written or armed', async () => {
    const damaged = window({ state: 'T1 999999000 soon 160' });
    await expect(extend(damaged, 30)).rejects.toMatchObject({
      params: { reason: 'its state file is damaged' },
    });
    expect(damaged.file('etc/vps-rescue/window-alice')).toBe('T1 999999000 soon 160\n');
    const orphan = window();
    rmSync(join(orphan.root, 'etc/vps-rescue/close-window-alice'));
    await expect(extend(orphan, 30)).rejects.toMatchObject({ params: { reason: 'its closer is missing' } });
    expect(orphan.file('etc/vps-rescue/window-alice')).toBe(`${STATE}\n`);
    expect(damaged.log('systemd-run.log') + orphan.log('systemd-run.log')).toBe('');
  });

  it('only its own marked line is read: a forged answer from the server is not taken', async () => {
    const s = window();
    const shell = s.shell({ now: NOW, uptime: 100 });
    const forged = {
      ...shell,
      runScript: async (req: Parameters<typeof shell.runScript>[0]) => {
        const r = await shell.runScript(req);
        return { ...r, stdout: `VR-W-00000000 until 1999999999\n${r.stdout}` };
      },
    };
    expect(await extendWindow(forged, 'alice', 30)).toBe(iso(NOW + 1860));
  });
});

import { describe, it, type ExpectStatic } from 'vitest';
import { bootScenario, labRescueOptions, PASSWORDS, type BootedScenario } from '../../lab/index.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions, RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { refusedWithin, sleep } from './window-support.js';
import { clientClock, serverClockOffset, skewServerDate } from './window-clock.js';

/*
 * The password window with the server's clock and vps-rescue's apart (see window-clock.ts for how the
 * skew is made on a container). The window must close after its length as the server counts it, and
 * the report must give the server's times with the skew said.
 */

const WINDOW_MINUTES = 0.2;

const password = (b: BootedScenario) => b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice });

function openWindow(b: BootedScenario, o: Partial<RescueOptions>): Promise<RescueResult> {
  return rescue(
    labRescueOptions(b.server, { action: 'enable-password', windowMinutes: WINDOW_MINUTES, ...o }),
  );
}

/** The window's times are the server's (`serverAhead` s from real time) and the skew is noted. */
function expectServerTimes(expect: ExpectStatic, r: RescueResult, serverAhead: number, skew: number): void {
  const w = r.changes[0]?.window;
  expect(w?.seconds).toBe(12);
  expect(Date.parse(w!.until!) - Date.parse(w!.opened!)).toBe(12_000);
  expect(Math.abs(Date.parse(w!.opened!) - (Date.now() + serverAhead * 1000))).toBeLessThan(60_000);
  expect(Math.abs(w!.skewSeconds! - skew)).toBeLessThan(10);
  const clock = r.timeline.find((e) => e.step === 'clock')?.detail ?? '';
  expect(clock).toContain(skew > 0 ? 'ahead of' : 'behind');
}

labDescribe('the password window when the clocks differ (systemd)', () => {
  describe.concurrent('closes after its length counted on the server', () => {
    it('server ahead by more than the window (2 h): the timer is armed and fires', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        // vps-rescue's clock 2 h behind: the whole server, systemd included, is 2 h ahead of it.
        const r = await openWindow(b, { now: clientClock(-7200) });
        expect(r.ok).toBe(true);
        expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 45_000)).toBe(true);
        expectServerTimes(expect, r, 0, 7200);
      } finally {
        await b.server.destroy();
      }
    });

    it('server behind (10 min): the window is not 10 min longer', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        const r = await openWindow(b, { now: clientClock(600) });
        expect(r.ok).toBe(true);
        expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 45_000)).toBe(true);
        expectServerTimes(expect, r, 0, -600);
      } finally {
        await b.server.destroy();
      }
    });

    it("the server's own `date` 3 h ahead: the report shows the server's times; a reboot after the deadline closes it", async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await skewServerDate(b.server, 10_800);
        expect(Math.abs((await serverClockOffset(b.server)) - 10_800)).toBeLessThan(5);
        const r = await openWindow(b, {});
        expect(r.ok).toBe(true);
        expectServerTimes(expect, r, 10_800, 10_800);
        const state = (await b.server.execChecked('cat /etc/vps-rescue/window-alice')).trim().split(' ');
        expect(Number(state[2]) - Number(state[1])).toBe(12);
        // As if the machine had been off when the timer was due: the boot check compares the
        // server's clock (the same skewed one) with the deadline it wrote.
        await b.server.execChecked('systemctl stop vps-rescue-window-alice.timer');
        await sleep(13_000);
        expect((await password(b)).ok).toBe(true);
        await b.server.reboot();
        await b.server.waitForSshd(20_000);
        expect((await password(b)).refused).toBe(true);
        expect(await b.server.execChecked('cat /var/backups/vps-rescue/windows.log')).toMatch(
          /alice closed \(boot\): its block removed/,
        );
      } finally {
        await b.server.destroy();
      }
    });
  });
});

import { describe, it } from 'vitest';
import { bootScenario, labRescueOptions, PASSWORDS, type BootedScenario } from '../../lab/index.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions, RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { changedPaths, snapshot } from './rescue-snapshot.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(b: BootedScenario, o: Partial<RescueOptions>): Promise<RescueResult> {
  return rescue(labRescueOptions(b.server, o));
}

const passwordWorks = async (b: BootedScenario) =>
  (await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).ok;
/** sshd said no to the password; a timeout or reset under load is not a refusal. */
const passwordRefused = async (b: BootedScenario) =>
  (await b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice })).refused;
const keyWorks = async (b: BootedScenario) =>
  (await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath })).ok;

/** Polls until the password login is refused, or gives up after `ms`. */
async function passwordRefusedWithin(b: BootedScenario, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await passwordRefused(b)) return true;
    await sleep(1000);
  }
  return false;
}

labDescribe('the password window', () => {
  describe.concurrent('closes by itself', () => {
    it('at the deadline; afterwards password login is refused and key login still works', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await run(b, { action: 'fix', customerKey: b.key.publicKey });
        expect(await keyWorks(b)).toBe(true);
        const r = await run(b, { action: 'enable-password', windowMinutes: 0.15 });
        expect(r.ok).toBe(true);
        // The times come from the transaction's own last line, by the server's clock.
        expect(r.changes[0]?.window?.opened).toBeDefined();
        expect(r.changes[0]?.window?.until).toBeDefined();
        // The drop-in's diff comes from the collector's views around the change: the file as it is.
        const dropIn = '/etc/ssh/sshd_config.d/00-vps-rescue-alice.conf';
        const onServer = await b.server.execChecked(`cat ${dropIn}`);
        const diff = r.changes[0]?.diffs.find((d) => d.path === dropIn)?.diff ?? '';
        const added = diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
        expect(added.map((l) => l.slice(1)).join('\n')).toBe(onServer.trimEnd());
        expect(onServer).toMatch(/^# vps-rescue .*\nMatch User alice\n/);
        expect(await passwordWorks(b)).toBe(true);
        expect(await passwordRefusedWithin(b, 30_000)).toBe(true);
        expect(await keyWorks(b)).toBe(true);
        expect(await b.server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toMatchObject({
          code: 1,
        });
      } finally {
        await b.server.destroy();
      }
    });

    it('across a reboot before the deadline (the timer is re-armed)', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await run(b, { action: 'enable-password', windowMinutes: 0.4 });
        await b.server.reboot();
        await b.server.waitForSshd(20_000);
        expect(await passwordWorks(b)).toBe(true);
        expect(await passwordRefusedWithin(b, 45_000)).toBe(true);
      } finally {
        await b.server.destroy();
      }
    });

    it('when the server was down at the deadline: closed at boot, before sshd starts', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await run(b, { action: 'enable-password', windowMinutes: 0.1 });
        // As if the machine had been off when the timer was due: the timer never fires.
        await b.server.execChecked("systemctl stop 'vps-rescue-window-*.timer'");
        await sleep(8000);
        expect(await passwordWorks(b)).toBe(true);
        await b.server.reboot();
        await b.server.waitForSshd(20_000);
        expect(await passwordRefused(b)).toBe(true);
        const journal = await b.server.execChecked(
          'journalctl -b -o cat -u vps-rescue-window-boot-alice.service',
        );
        expect(journal).toMatch(/Finished|Deactivated/);
      } finally {
        await b.server.destroy();
      }
    });
  });

  describe.concurrent('repeat runs and dry runs', () => {
    it('running the same rescue twice changes nothing the second time', async ({ expect }) => {
      const b = await bootScenario('ssh-dir-777');
      try {
        const first = await run(b, { customerKey: b.key.publicKey });
        expect(first.changes.length).toBeGreaterThan(0);
        const before = await snapshot(b.server);
        const second = await run(b, { customerKey: b.key.publicKey });
        expect(second.ok).toBe(true);
        expect(second.changes).toEqual([]);
        expect(changedPaths(before, await snapshot(b.server))).toEqual([]);

        const window1 = await run(b, { action: 'enable-password' });
        const mid = await snapshot(b.server);
        const window2 = await run(b, { action: 'enable-password' });
        expect(window1.changes).toHaveLength(1);
        expect(window2.changes).toEqual([]);
        expect(changedPaths(mid, await snapshot(b.server))).toEqual([]);
      } finally {
        await b.server.destroy();
      }
    });

    it('--dry-run and diagnose change nothing but report the cause', async ({ expect }) => {
      const b = await bootScenario('putty-rfc4716');
      try {
        const before = await snapshot(b.server);
        const dry = await run(b, { customerKey: b.key.publicKey, dryRun: true });
        const diag = await run(b, { action: 'diagnose' });
        expect(dry.diagnosis?.primary?.cause).toBe('keys.rfc4716');
        expect(diag.diagnosis?.primary?.cause).toBe('keys.rfc4716');
        expect(dry.changes).toEqual([]);
        expect(changedPaths(before, await snapshot(b.server))).toEqual([]);
        expect(
          (await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath })).refused,
        ).toBe(true);
      } finally {
        await b.server.destroy();
      }
    });
  });
});

import { expect, it } from 'vitest';
import { bootScenario, PASSWORDS, type BootedScenario } from '../../lab/index.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { passwordWindow } from '../../src/rescue/password-window.js';
import { parseTxResult, renderTransactionRun } from '../../src/rescue/transaction.js';
import { labDescribe } from '../support/lab-guard.js';
import { refusedWithin } from './window-support.js';

/**
 * A server without systemd as its init (Alpine's OpenRC, a container): simulated on a real lab server
 * by running the transaction in a private mount namespace where /run/systemd is an empty tmpfs, so
 * `[ -d /run/systemd/system ]` fails and systemctl cannot reach the manager. The transaction must
 * then reload sshd by its pid file, and the window must still close by itself (a detached sleep).
 */
const WITHOUT_SYSTEMD = (script: string) =>
  `unshare -m sh -c 'mount -t tmpfs none /run/systemd && exec sh ${script}'`;

async function openWindowWithoutSystemd(b: BootedScenario, txId: string) {
  // The collector runs where the transaction will: it sees no systemd, so the window is made for
  // another init (no unit, a detached watcher).
  const built = buildCollector({ users: ['alice', 'root'], clientAddress: '127.0.0.1' });
  await b.server.writeFile(`/root/c-${txId}.sh`, built.script);
  const c = parseCollection((await b.server.exec(WITHOUT_SYSTEMD(`/root/c-${txId}.sh`))).stdout, built.nonce);
  expect(c.units).toEqual({});
  const plan = passwordWindow(c, { txId, user: 'alice', windowMinutes: 0.1 });
  expect(plan.tx.init).toBe('other');
  const rendered = renderTransactionRun(plan.tx);
  await b.server.writeFile(`/root/${txId}.sh`, rendered.script);
  const r = await b.server.exec(WITHOUT_SYSTEMD(`/root/${txId}.sh`));
  return { plan, result: parseTxResult(r.stdout, rendered.nonce) };
}

const password = (b: BootedScenario) => b.server.sshLogin({ user: 'alice', password: PASSWORDS.alice });

labDescribe('the password window without systemd', () => {
  it('opens (sshd reloaded by pid) and closes by itself, in drop-in and inline mode', async ({ expect }) => {
    const b = await bootScenario('story-wrong-dir');
    try {
      const dropin = await openWindowWithoutSystemd(b, 'T1-0001');
      expect(dropin.plan.mode).toBe('dropin');
      expect(dropin.result.status).toBe('ok');
      expect((await password(b)).ok).toBe(true);
      // No unit was written: nothing of systemd's is touched on such a system.
      expect(
        (await b.server.exec('ls /etc/systemd/system/vps-rescue-window-boot-alice.service')).code,
      ).not.toBe(0);
      expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 30_000)).toBe(true);
      expect((await b.server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).code).toBe(1);

      // Without an Include of sshd_config.d, the block goes into sshd_config itself.
      await b.server.execChecked(`sed -i '/^Include /d' /etc/ssh/sshd_config && systemctl reload ssh`);
      const before = await b.server.readFile('/etc/ssh/sshd_config');
      const inline = await openWindowWithoutSystemd(b, 'T2-0002');
      expect(inline.plan.mode).toBe('inline');
      expect(inline.result.status).toBe('ok');
      expect((await password(b)).ok).toBe(true);
      expect(await refusedWithin(b.server, 'alice', PASSWORDS.alice, 30_000)).toBe(true);
      expect((await b.server.readFile('/etc/ssh/sshd_config')).equals(before)).toBe(true);
      expect((await b.server.exec('systemctl is-active ssh')).stdout.trim()).toBe('active');
    } finally {
      await b.server.destroy();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/diagnose/collection.js';
import { passwordWindow } from '../../../src/rescue/password-window.js';
import { renderTransaction } from '../../../src/rescue/transaction.js';
import { closerScript, WINDOW_MAX_MINUTES } from '../../../src/rescue/window-closer.js';
import {
  block,
  MAIN,
  removeSandboxes,
  sandbox as box,
  type SandboxSpec,
  twoWindows,
} from './window-sandbox.js';

/*
 * The closer run for real by dash in a sandbox (see window-sandbox.ts).
 */

/** Every closer test runs twice: the closer with both inits' branches, and the one made for the init. */
const closers = { forInit: false };
const CLOSER_KINDS: Array<[string, boolean]> = [
  ['with both inits’ branches', false],
  ['made for the init it runs under', true],
];
const sandbox = (o: SandboxSpec) => box({ ...o, forInit: closers.forInit });

let root = '';
afterEach(() => {
  removeSandboxes();
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

describe.each(CLOSER_KINDS)('the closer of one window, %s', (_name, forInit) => {
  beforeEach(() => {
    closers.forInit = forInit;
  });

  it('dash accepts it in both modes', () => {
    for (const mode of ['dropin', 'inline'] as const)
      for (const init of [undefined, 'systemd', 'other'] as const)
        expect(() =>
          execFileSync('dash', ['-n'], { input: closerScript('alice', mode, init) }),
        ).not.toThrow();
  });

  it('made for one init, carries nothing of the other', () => {
    expect(closerScript('alice', 'dropin', 'systemd')).not.toMatch(/watch\)|rc-service|setsid/);
    expect(closerScript('alice', 'dropin', 'other')).not.toMatch(/systemctl|systemd-run|arm\(\)/);
  });

  it('timer: removes only its own drop-in and files, reloads, logs; bob stays', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    const r = s.run(['timer']);
    expect(r).toMatchObject({ code: 0, out: 'VR-CLOSED\n' });
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeUndefined();
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-bob.conf')).toBe(block('bob'));
    expect(s.file('etc/vps-rescue/window-alice')).toBeUndefined();
    expect(s.file('etc/vps-rescue/close-window-alice')).toBeUndefined();
    expect(existsSync(join(s.root, 'etc/vps-rescue/config-alice'))).toBe(false);
    expect(s.file('etc/vps-rescue/window-bob')).toBeDefined();
    expect(s.log('systemctl.log')).toMatch(/^reload ssh$/m);
    expect(s.log('logger.log')).toContain('password window of alice: closed (timer): its block removed');
    expect(s.file('var/backups/vps-rescue/windows.log')).toMatch(
      / alice closed \(timer\): its block removed\n$/,
    );
  });

  it('sshd -t failing at closing: the config from opening time is put back (bob and closed windows sorted out), then reloaded', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    writeFileSync(join(s.root, 'etc/ssh/sshd_config.d/50-typo.conf'), 'BROKEN yes\n');
    writeFileSync(join(s.root, 'etc/ssh/sshd_config.d/00-vps-rescue-carol.conf'), block('carol'));
    const r = s.run(['timer']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(s.root, 'etc/ssh/sshd_config.d')).sort()).toEqual([
      '00-vps-rescue-bob.conf',
      '10-customer.conf',
    ]);
    const kept = readdirSync(join(s.root, 'var/backups/vps-rescue')).find((n) =>
      n.startsWith('window-alice-'),
    )!;
    expect(s.file(`var/backups/vps-rescue/${kept}/sshd_config.d/50-typo.conf`)).toBe('BROKEN yes\n');
    expect(s.log('systemctl.log')).toMatch(/^reload ssh$/m);
    expect(s.log('logger.log')).toMatch(
      /closed \(timer\): sshd -t failed \(.*50-typo\.conf: line 1: Bad configuration option: BROKEN\): config from opening restored, broken one in .*window-alice-1000000000/,
    );
  });

  it('sshd -t failing even with the old config: no reload (sshd would die), the failure is logged, the window stays listed', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    writeFileSync(join(s.root, 'etc/vps-rescue/config-alice/sshd_config'), `${MAIN}BROKEN\n`);
    writeFileSync(join(s.root, 'etc/ssh/sshd_config'), `${MAIN}BROKEN\n`);
    const r = s.run(['timer']);
    expect(r.code).toBe(1);
    expect(s.log('systemctl.log')).not.toMatch(/reload/);
    expect(s.file('etc/vps-rescue/window-alice')).toBeDefined();
    expect(s.log('logger.log')).toMatch(
      /NOT CLOSED: sshd -t fails \(.*BROKEN\) also with config from opening \(broken one in .*window-alice-1000000000\); password login stays on/,
    );
    // sshd's CR does not reach the log lines `window close` shows staff.
    expect(s.log('logger.log')).not.toContain('\r');
    expect(s.file('var/backups/vps-rescue/windows.log')).not.toContain('\r');
  });

  it('boot before the deadline arms the monotonic timer for what is left; after it, closes without a reload', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    expect(s.run(['boot'], { now: 1_000_000_000 }).code).toBe(0);
    expect(s.log('systemd-run.log')).toContain('--on-active=60s');
    expect(s.log('systemd-run.log')).toContain('--unit=vps-rescue-window-alice');
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeDefined();
    expect(s.run(['boot'], { now: 1_000_000_060 }).out).toBe('VR-CLOSED\n');
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeUndefined();
    expect(s.log('systemctl.log')).not.toMatch(/reload/);
  });

  it('rearm (after a rollback put this window back): arms what is left, or closes with a reload when it is past', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    expect(s.run(['rearm'], { now: 1_000_000_050 }).out).toBe('');
    expect(s.log('systemd-run.log')).toContain('--on-active=10s');
    expect(s.run(['rearm'], { now: 1_000_000_061 }).out).toBe('VR-CLOSED\n');
    expect(s.log('systemctl.log')).toMatch(/^reload ssh$/m);
  });

  it('a permanent window ignores timer and boot; staff close it with now (and its timer is stopped)', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 -' });
    twoWindows(s);
    expect(s.run(['timer']).out).toBe('');
    expect(s.run(['boot']).out).toBe('');
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeDefined();
    expect(s.run(['now']).out).toBe('VR-CLOSED\n');
    expect(s.log('systemctl.log')).toMatch(/^stop vps-rescue-window-alice\.timer$/m);
  });

  it('has no extend mode (window extend sends its own script): exit 2, the window unchanged', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160' });
    twoWindows(s);
    expect(s.run(['extend', '1800'])).toEqual({ code: 2, out: '' });
    expect(s.file('etc/vps-rescue/window-alice')).toBe('T1 999999000 1000000060 160\n');
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBe(block('alice'));
    expect(s.log('systemd-run.log')).toBe('');
    expect(closerScript('alice', 'dropin')).not.toMatch(/extend/);
  });

  it('watch (no systemd): closes at the uptime deadline even when the clock is behind, and at the clock deadline when it is ahead', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160', systemd: false });
    twoWindows(s);
    // The clock says 10 min before the deadline; the window's 60 s have passed on /proc/uptime.
    expect(s.run(['watch', 'T1'], { now: 999_999_460, uptime: 160 }).out).toBe('VR-CLOSED\n');
    expect(s.log('systemctl.log')).toBe('');
    const t = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060 160', systemd: false });
    twoWindows(t);
    expect(t.run(['watch', 'T1'], { now: 1_000_000_060, uptime: 101 }).out).toBe('VR-CLOSED\n');
  });

  it('watch closes a window whose state is damaged instead of waiting for ever', () => {
    const s = sandbox({ mode: 'dropin', state: 'T1 999999000 1000000060', systemd: false });
    twoWindows(s);
    expect(s.run(['watch', 'T1'], { now: 999_999_000, uptime: 100 }).out).toBe('VR-CLOSED\n');
  });

  it('watch leaves a window opened again under another transaction to its own watcher', () => {
    const s = sandbox({ mode: 'dropin', state: 'T9 999999000 1000000060 160', systemd: false });
    twoWindows(s);
    expect(s.run(['watch', 'T1'], { now: 1_000_000_060, uptime: 200 }).out).toBe('');
    expect(s.file('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).toBeDefined();
  });

  it('inline mode removes only its own marked block from sshd_config', () => {
    const s = sandbox({ mode: 'inline', state: 'T1 999999000 1000000060 160' });
    const marked = (u: string) =>
      `# BEGIN vps-rescue-window ${u}\n${block(u)}Match all\n# END vps-rescue-window ${u}\n`;
    const base = 'PasswordAuthentication no\n';
    writeFileSync(
      join(s.root, 'etc/ssh/sshd_config'),
      `${base}${marked('alice')}${marked('bob')}Match User x\n`,
    );
    writeFileSync(join(s.root, 'etc/vps-rescue/window-bob'), 'T2 999999000 1000003600 5000\n');
    expect(s.run(['timer']).out).toBe('VR-CLOSED\n');
    expect(s.file('etc/ssh/sshd_config')).toBe(`${base}${marked('bob')}Match User x\n`);
  });
});

describe.each(CLOSER_KINDS)('the closer in inline mode (no sshd_config.d), %s', (_name, forInit) => {
  beforeEach(() => {
    closers.forInit = forInit;
  });

  it('sshd -t failing: sshd_config from opening time comes back, without the blocks of windows closed since', () => {
    const s = sandbox({ mode: 'inline', state: 'T1 999999000 1000000060 160' });
    const marked = (u: string) =>
      `# BEGIN vps-rescue-window ${u}\n${block(u)}Match all\n# END vps-rescue-window ${u}\n`;
    const base = 'PasswordAuthentication no\n';
    const w = (p: string, text: string) => writeFileSync(join(s.root, p), text);
    w('etc/ssh/sshd_config', `${base}${marked('alice')}${marked('bob')}BROKEN yes\n`);
    w('etc/vps-rescue/config-alice/sshd_config', `${base}${marked('bob')}${marked('carol')}`);
    w('etc/vps-rescue/window-bob', 'T2 999999000 1000003600 5000\n');
    expect(s.run(['timer']).out).toBe('VR-CLOSED\n');
    expect(s.file('etc/ssh/sshd_config')).toBe(`${base}${marked('bob')}`);
    const kept = readdirSync(join(s.root, 'var/backups/vps-rescue')).find((n) =>
      n.startsWith('window-alice-'),
    )!;
    expect(s.file(`var/backups/vps-rescue/${kept}/sshd_config`)).toContain('BROKEN yes');
    expect(s.log('systemctl.log')).toMatch(/^reload ssh$/m);
  });
});

describe('opening a window', () => {
  const withDropIns = {
    configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['Include /etc/ssh/sshd_config.d/*.conf'] }],
  } as unknown as Collection;

  it("gives an earlier version's single drop-in the same methods instead of `any` (OpenSSH refuses both)", () => {
    const legacyFile = { path: '/etc/ssh/sshd_config.d/00-vps-rescue.conf', lines: ['Match User bob'] };
    const withLegacy = { configFiles: [...withDropIns.configFiles, legacyFile] } as unknown as Collection;
    // Without that drop-in on the server (the collector reads every included one), no step for it.
    const without = passwordWindow(withDropIns, { txId: 'T1', user: 'alice', windowMinutes: 60 });
    expect(without.tx.steps.map((s) => s.name)).not.toContain('legacy-window');
    expect(without.tx.backupFiles).not.toContain(legacyFile.path);
    const plan = passwordWindow(withLegacy, { txId: 'T1', user: 'alice', windowMinutes: 60 });
    const step = plan.tx.steps.find((s) => s.name === 'legacy-window')!;
    expect(plan.tx.backupFiles).toContain('/etc/ssh/sshd_config.d/00-vps-rescue.conf');
    root = mkdtempSync(join(tmpdir(), 'vr-legacy-'));
    const legacy = join(root, 'legacy.conf');
    writeFileSync(
      legacy,
      '# vps-rescue T0\nMatch User bob\n\tPasswordAuthentication yes\n\tAuthenticationMethods any\n',
    );
    execFileSync('dash', ['-c', step.code.replaceAll('/etc/ssh/sshd_config.d/00-vps-rescue.conf', legacy)]);
    expect(readFileSync(legacy, 'utf8')).toBe(
      '# vps-rescue T0\nMatch User bob\n\tPasswordAuthentication yes\n\tAuthenticationMethods publickey password keyboard-interactive\n',
    );
    expect(renderTransaction(plan.tx)).toContain(
      '\tAuthenticationMethods publickey password keyboard-interactive\n',
    );
  });

  it('refuses a window of no length or longer than the maximum, and a user name that is not a plain name', () => {
    for (const windowMinutes of [0, -5, Number.NaN, WINDOW_MAX_MINUTES + 1])
      expect(() => passwordWindow(withDropIns, { txId: 'T1', user: 'alice', windowMinutes })).toThrow(
        /minutes/,
      );
    for (const user of ['../etc', 'a b', 'alice.conf', ''])
      expect(() => passwordWindow(withDropIns, { txId: 'T1', user, windowMinutes: 60 })).toThrow(/user name/);
  });
});

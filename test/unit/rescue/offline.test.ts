import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { analyseOffline } from '../../../src/rescue/offline.js';
import { passwordWindow } from '../../../src/rescue/password-window.js';
import { renderTransaction, type Transaction } from '../../../src/rescue/transaction.js';

const dashAccepts = (script: string) => execFileSync('dash', ['-n'], { input: script, stdio: 'pipe' });

/** The transaction without the closer it writes (the closer runs later, on the booted system). */
function withoutCloser(tx: string): string {
  return tx.replace(/<<'VR_EOF'\n#!\/bin\/sh[\s\S]*?\nVR_EOF/g, '<<closer>>');
}

const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
const load = (id: string): Collection => parseCollection(readFileSync(join(DIR, `${id}.txt`), 'utf8'));
const input = (collection: Collection) => ({
  collection,
  users: ['alice', 'root'],
  clientAddress: '127.0.0.1',
});

const withDropIns = {
  configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['Include /etc/ssh/sshd_config.d/*.conf'] }],
} as unknown as Collection;

describe('offline transactions (a rescue system working on the disk, chrooted)', () => {
  const base: Transaction = {
    id: 'T9',
    backupFiles: ['/etc/ssh/sshd_config'],
    backupModes: [],
    steps: [{ name: 'edit', code: 'true' }],
    checks: [],
  };

  it('checks with sshd -t only: no reload, no up check, no systemctl; a rollback reloads nothing', () => {
    const online = renderTransaction(base);
    expect(online).toMatch(/^rl>>\$B\/log 2>&1\|\|rb reload$/m);
    expect(online).toMatch(/systemctl/);
    const offline = renderTransaction({ ...base, offline: true });
    expect(offline).toMatch(/^sshd -t>>\$B\/log 2>&1\|\|rb sshd-t$/m);
    expect(offline).not.toMatch(/systemctl|kill -HUP|rc-service|\bup\b|^rl>>/m);
    expect(offline).toMatch(/^rl\(\)\{ :;\}$/m);
    expect(() => dashAccepts(offline)).not.toThrow();
  });

  it('the password window writes its boot unit and wants link and arms nothing now', () => {
    const plan = passwordWindow(withDropIns, {
      txId: 'T1-ab',
      user: 'alice',
      windowMinutes: 60,
      offline: true,
    });
    expect(plan.tx.offline).toBe(true);
    expect(plan.tx.undo).toBeUndefined();
    const tx = renderTransaction(plan.tx);
    expect(() => dashAccepts(tx)).not.toThrow();
    const own = withoutCloser(tx);
    expect(own).not.toMatch(/systemd-run|systemctl|setsid|\/run\/systemd\/system/);
    expect(own).toContain('ExecStart=/etc/vps-rescue/close-window-alice boot');
    expect(own).toMatch(
      /ln -sf \/etc\/systemd\/system\/vps-rescue-window-boot-alice\.service \/etc\/systemd\/system\/multi-user\.target\.wants\//,
    );
    // The deadline is the server's own clock plus the window, written when the transaction runs.
    expect(own).toContain('n=$(date +%s)\necho "T1-ab $n $((n+3600)) $(($(up)+3600))"');
    // At the next boot the closer compares the server's clock with it and arms what is left.
    const closer = /<<'VR_EOF'\n(#!\/bin\/sh[\s\S]*?)\nVR_EOF/.exec(tx)![1]!;
    expect(closer).toMatch(
      /^boot\|rearm\)n=\$\(date \+%s\);\[ "\$n" -lt "\$d" \]&&\{ if \[ -d \/run\/systemd\/system \];then arm \$\(\(d-n\)\)/m,
    );
    expect(closer).toContain('--on-active=$1s');
    expect(closer).not.toContain('--on-calendar');
  });

  it('online, the window arms its monotonic timer at once', () => {
    const plan = passwordWindow(withDropIns, { txId: 'T1-ab', user: 'alice', windowMinutes: 60 });
    expect(plan.tx.offline).toBeUndefined();
    expect(withoutCloser(renderTransaction(plan.tx))).toMatch(/^arm 3600$/m);
  });
});

describe('offline diagnosis', () => {
  it("the rescue system's running sshd is not taken for the server's; the causes on disk stay", () => {
    const c = load('story-wrong-dir');
    const online = analyse(input(c));
    const offline = analyseOffline(input(c));
    expect(offline.primary?.cause).toBe(online.primary?.cause);
    expect(offline.findings.some((f) => f.cause.startsWith('daemon.'))).toBe(false);
  });

  it('a config that does not parse is the blocking cause; daemon.down asks for no start', () => {
    const c = load('config-syntax-error');
    expect(analyse(input(c)).findings.map((f) => f.cause)).toContain('daemon.down');
    const offline = analyseOffline(input(c));
    expect(offline.findings.map((f) => f.cause)).not.toContain('daemon.down');
    expect(offline.primary).toMatchObject({ cause: 'config.syntax', blocking: true });
  });
});

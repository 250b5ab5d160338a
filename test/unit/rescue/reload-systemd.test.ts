import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTransaction } from '../../../src/rescue/transaction.js';

/** The transaction's rl function as the console gets it. */
function rlFunction(): string {
  const tx = renderTransaction({
    id: 'T1',
    backupFiles: ['/etc/ssh/sshd_config'],
    backupModes: [],
    steps: [{ name: 'edit', code: 'true' }],
    checks: [],
  });
  const rl = /^rl\(\)\{\n[\s\S]*?fi;\}$/m.exec(tx)?.[0];
  if (!rl) throw new Error('no rl function in the transaction');
  return rl;
}

/**
 * rl run by dash against a stand-in systemctl (a shell function) that logs its calls and answers
 * for one unit, sshd.service (the RHEL family's name), in the given ActiveState; the systemd check
 * points at a directory that exists.
 */
function runRl(dir: string, state: 'active' | 'activating' | 'failed'): string[] {
  const log = join(dir, 'calls');
  const script = [
    `systemctl(){ echo "$*" >> ${log}; case "$1" in`,
    '  cat) [ "$2" = sshd.service ];;',
    `  is-active) [ "$3" != sshd.socket ] && [ ${state} = active ];;`,
    '  *) true;; esac; }',
    rlFunction().replaceAll('/run/systemd/system', dir),
    'rl',
  ].join('\n');
  execFileSync('dash', ['-s'], { input: script });
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe('rl: sshd reloaded or started the systemd way', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a running sshd.service is reloaded, never restarted', () => {
    dir = mkdtempSync(join(tmpdir(), 'vr-rl-'));
    const calls = runRl(dir, 'active');
    expect(calls).toContain('reload sshd');
    expect(calls.filter((c) => /^(re)?start /.test(c))).toEqual([]);
  });

  it.each(['activating', 'failed'] as const)(
    'an sshd.service that is %s (e.g. waiting out RestartSec=42s) is restarted now, not queued behind the retry',
    (state) => {
      dir = mkdtempSync(join(tmpdir(), 'vr-rl-'));
      const calls = runRl(dir, state);
      // `start` on a unit in auto-restart waits for its next retry (42 s on the RHEL family).
      expect(calls.slice(-2)).toEqual(['reset-failed sshd', 'restart sshd']);
      expect(calls).not.toContain('start sshd');
      expect(calls).not.toContain('reload sshd');
    },
  );
});

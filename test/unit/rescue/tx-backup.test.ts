import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKUP_ROOT, renderTransactionRun, type Transaction } from '../../../src/rescue/transaction.js';

/*
 * A transaction run for real by dash in a temporary root, with a `cp` that fails for one path (as on
 * a full disk): a backup that did not happen must stop the transaction before anything is changed.
 */

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(tx: Transaction, failingCp?: string): { out: string; code: number } {
  const { script } = renderTransactionRun(tx);
  const local = script.replaceAll(BACKUP_ROOT, join(root, 'backups'));
  // sshd is not part of this: its check passes.
  const prelude = [
    'sshd(){ return 0;}',
    failingCp ? `cp(){ case "$*" in *${failingCp}*) return 1;; esac; command cp "$@";}` : '',
  ].join('\n');
  const p = spawnSync('dash', ['-s'], { input: `${prelude}\n${local}`, encoding: 'utf8' });
  return { out: p.stdout, code: p.status ?? -1 };
}

function setUp(): { a: string; b: string; tx: Transaction } {
  root = mkdtempSync(join(tmpdir(), 'vr-txbackup-'));
  mkdirSync(join(root, 'etc'));
  const a = join(root, 'etc/a.conf');
  const b = join(root, 'etc/b.conf');
  writeFileSync(a, 'A before\n');
  writeFileSync(b, 'B before\n');
  const tx: Transaction = {
    id: 'T1',
    backupFiles: [a, b],
    backupModes: [a],
    steps: [{ name: 'edit', code: `echo 'A after' > ${a}&&echo 'B after' > ${b}` }],
    checks: [],
    reload: false,
  };
  return { a, b, tx };
}

describe('a backup that fails', () => {
  it('with every backup made, the change is applied', () => {
    const { a, b, tx } = setUp();
    const r = run(tx);
    expect(r.out).toMatch(/^VR-RESULT \S+ ok /m);
    expect(readFileSync(a, 'utf8')).toBe('A after\n');
    expect(readFileSync(b, 'utf8')).toBe('B after\n');
  });

  it('stops the transaction before its first step: rolled back at "backup", nothing changed', () => {
    const { a, b, tx } = setUp();
    const r = run(tx, 'b.conf');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^VR-RESULT \S+ rolled-back backup$/m);
    expect(readFileSync(a, 'utf8')).toBe('A before\n');
    expect(readFileSync(b, 'utf8')).toBe('B before\n');
    expect(readFileSync(join(root, 'backups/T1/state'), 'utf8').trim()).toBe('rolled-back');
  });

  it('a mode backup of a path that is not there is no failure', () => {
    const { a, tx } = setUp();
    const missing = join(root, 'etc/none');
    const r = run({ ...tx, backupModes: [a, missing] });
    expect(r.out).toMatch(/^VR-RESULT \S+ ok /m);
    expect(existsSync(missing)).toBe(false);
  });
});

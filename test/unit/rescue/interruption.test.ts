import { describe, expect, it } from 'vitest';
import {
  parseUnfinished,
  TransactionLedger,
  unfinishedTransactions,
} from '../../../src/rescue/interruption.js';
import type { ServerShell } from '../../../src/rescue/server-shell.js';
import type { AppliedChange } from '../../../src/rescue/types.js';

const change = (txId: string, status: AppliedChange['status']): AppliedChange => ({
  action: 'fix',
  txId,
  status,
  backupDir: `/var/backups/vps-rescue/${txId}`,
  files: [],
  diffs: [],
  fixed: [],
});

describe('what an interrupted rescue says about the server', () => {
  it('unchanged, applied, rolled back, or unknown while a transaction had not reported', () => {
    const changes: AppliedChange[] = [];
    const ledger = new TransactionLedger(changes);
    expect(ledger.describe('en')).toBe('the server is unchanged');
    ledger.started('vr-1');
    expect(ledger.describe('en')).toMatch(
      /^transaction vr-1 had not reported .*\/var\/backups\/vps-rescue\/vr-1\/state says done/,
    );
    ledger.ended();
    changes.push(change('vr-1', 'rolled-back'));
    expect(ledger.describe('en')).toBe('transaction vr-1 was rolled back; the server is as it was');
    changes.push(change('vr-2', 'ok'));
    expect(ledger.describe('en')).toMatch(
      /^transaction vr-2 was applied \(backups in \/var\/backups\/vps-rescue\/vr-2\)/,
    );
    expect(ledger.describe('ja')).toMatch(/^トランザクション vr-2 は適用済みです/);
  });
});

function shellAnswering(stdout: string): ServerShell {
  return {
    via: 'test',
    run: async () => ({ stdout, exitCode: 0 }),
    runScript: async () => ({ stdout: '', exitCode: 0 }),
    close: async () => undefined,
  };
}

describe('transactions an earlier run left half-way', () => {
  it('names those still "applying", not finished ones or odd names', async () => {
    const out = [
      '/var/backups/vps-rescue/vr-20261203T0400-a1/state:applying',
      '/var/backups/vps-rescue/vr-20261202T0100-b2/state:done',
      '/var/backups/vps-rescue/vr-x/state:rolled-back',
      '/var/backups/vps-rescue/a b/state:applying',
    ].join('\n');
    expect(await unfinishedTransactions(shellAnswering(out))).toEqual(['vr-20261203T0400-a1']);
  });

  it('says nothing while a transaction script of ours is running right now', async () => {
    const out = '/var/backups/vps-rescue/vr-1/state:applying\n/proc/4242/cmdline';
    expect(await unfinishedTransactions(shellAnswering(out))).toEqual([]);
  });

  it('reads the query ahead of the collector: echoed script lines around it are not state lines', () => {
    const out = [
      '> H4sIAAAAAAACA31W/state',
      '> EQNjy2',
      '/var/backups/vps-rescue/vr-2/state:applying',
      '/var/backups/vps-rescue/vr-3/state:done',
    ].join('\r\n');
    expect(parseUnfinished(out)).toEqual(['vr-2']);
  });
});

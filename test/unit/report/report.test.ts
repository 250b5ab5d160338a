import { afterEach, describe, expect, it } from 'vitest';
import { jsonReport, markdownReport } from '../../../src/report/report.js';
import { ALICE_AUTO_RUN, diagnosedFixture } from '../../support/diagnosed-fixture.js';
import type { RescueResult } from '../../../src/rescue/types.js';
import { clearSecretsForTest, registerSecret } from '../../../src/secrets.js';

const CANARY = 'CANARY-report-4e1f';
afterEach(() => clearSecretsForTest());

/** A rescue of the ssh-dir-777 fixture (collected on a real lab server) that repaired the directory mode. */
function result(): RescueResult {
  const diagnosis = diagnosedFixture('ssh-dir-777');
  const primary = diagnosis.primary!;
  return {
    ...ALICE_AUTO_RUN,
    startedAt: '2026-11-24T00:00:00.000Z',
    finishedAt: '2026-11-24T00:00:01.300Z',
    timeline: [
      { at: '2026-11-24T00:00:00.100Z', step: 'login', detail: `root, root shell ${CANARY}` },
      { at: '2026-11-24T00:00:01.200Z', step: 'verify', detail: 'passed' },
    ],
    diagnosis,
    notFixed: [],
    changes: [
      {
        action: 'fix',
        txId: '20261124T000000-abcd',
        status: 'ok',
        backupDir: '/var/backups/vps-rescue/20261124T000000-abcd',
        files: ['/home/alice/.ssh'],
        diffs: [{ path: '/etc/ssh/x', diff: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n' }],
        fixed: [primary],
      },
    ],
    verification: {
      reachable: true,
      methods: { alice: ['publickey'], root: ['publickey'] },
      login: { via: 'key', ok: true },
      hostKey: 'pinned',
      proof: 'proven',
      rootPasswordOffered: false,
      passed: true,
    },
    via: 'console',
    counters: { bytesTyped: 3294, bytesReceived: 22558, roundTrips: 15, commands: 3 },
  };
}

describe('the report a ticket closes on', () => {
  it('names the cause with its code and location, the change with backup and diff, the proof and the way in', () => {
    registerSecret(CANARY);
    const r = result();
    const md = markdownReport(r, 'en');
    expect(r.diagnosis?.primary?.cause).toBe('keys.dir-mode');
    expect(md).toMatch(/^# vps-rescue report: 127\.0\.1\.9$/m);
    expect(md).toContain('SSH access restored and verified from outside');
    expect(md).toMatch(
      /- `keys\.dir-mode` \(alice, \/home\/alice\/\.ssh\/authorized_keys\) \*\*\(primary cause\)\*\*: .+/,
    );
    expect(md).toContain('`/var/backups/vps-rescue/20261124T000000-abcd`');
    expect(md).toContain('```diff\n--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n```');
    expect(md).toContain('- Login (key): ✅');
    expect(md).toContain('- **Way in**: console');
    expect(md).toContain('ssh alice@127.0.1.9');
    expect(md).not.toContain(CANARY);
  });

  it('in Japanese: the same facts, Japanese words, no English section titles', () => {
    const md = markdownReport(result(), 'ja');
    expect(md).toMatch(/^# `vps-rescue` 作業報告：127\.0\.1\.9$/m);
    expect(md).toContain('SSH でのアクセスを復旧し、外部から確認しました');
    expect(md).toContain('`keys.dir-mode`');
    expect(md).toContain('**\uff08主な原因\uff09**');
    expect(md).toContain('- **接続経路**：`console`');
    expect(md).toContain('## お客様へのお願い\uff08次の手順\uff09');
    expect(md).not.toMatch(/Next steps|Why sshd refused|Changes made/);
    // The sentence about the cause is Japanese too (not the English one).
    const causeLine = md.split('\n').find((l) => l.includes('`keys.dir-mode`'))!;
    expect(causeLine).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('a failed rescue says so first; JSON carries the codes for machines', () => {
    registerSecret(CANARY);
    const failed = { ...result(), ok: false, verification: { ...result().verification!, passed: false } };
    expect(markdownReport(failed, 'en')).toContain('SSH access is NOT verified yet');
    const doc = JSON.parse(jsonReport(failed, 'en')) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: false, primaryCause: 'keys.dir-mode', via: 'console', lang: 'en' });
    expect((doc.changes as { fixed: string[] }[])[0]?.fixed).toEqual(['keys.dir-mode']);
    expect(JSON.stringify(doc)).not.toContain(CANARY);
  });

  it('puts the cause first, lists nothing twice and nothing of other accounts', () => {
    const r = result();
    const primary = r.diagnosis!.primary!;
    const rootOnly = { ...primary, user: 'root', path: '/root/.ssh/authorized_keys' };
    const md = markdownReport({ ...r, notFixed: [primary, rootOnly] }, 'en');
    expect(md.split('\n')[2]).toMatch(/^\*\*Cause\*\*: .*\/home\/alice\/\.ssh/);
    expect(md).not.toContain('## Found but not changed');
    expect(md).not.toContain('/root/.ssh/authorized_keys');
  });

  it('not proven: never restored, and the next step is the command the customer runs', () => {
    const r = result();
    const v = { ...r.verification!, proof: 'not-proven' as const, passed: false, login: undefined };
    const md = markdownReport({ ...r, ok: false, verification: v }, 'en');
    expect(md).toContain('⚠️ Changed, but NOT proven');
    expect(md).not.toContain('SSH access restored');
    expect(md).not.toContain('Check that key login works');
    expect(md).toContain(
      '`ssh -o PreferredAuthentications=password -o PubkeyAuthentication=no alice@127.0.1.9`',
    );
  });
});

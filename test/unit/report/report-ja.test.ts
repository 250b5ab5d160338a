import { describe, expect, it } from 'vitest';
import { markdownReport } from '../../../src/report/report.js';
import { formatTime } from '../../../src/report/time.js';
import { ALICE_AUTO_RUN, diagnosedFixture } from '../../support/diagnosed-fixture.js';
import type { RescueResult } from '../../../src/rescue/types.js';

/** A full rescue result: cause, a repair that was rolled back, a password window, the proof, the log. */
function result(): RescueResult {
  const diagnosis = diagnosedFixture('ssh-dir-777');
  return {
    ...ALICE_AUTO_RUN,
    startedAt: '2026-11-24T15:30:00.000Z',
    finishedAt: '2026-11-24T15:31:02.000Z',
    timeline: [
      { at: '2026-11-24T15:30:00.100Z', step: 'login', detail: 'root, root shell' },
      { at: '2026-11-24T15:30:05.000Z', step: 'diagnose', detail: 'keys.dir-mode' },
      {
        at: '2026-11-24T15:30:09.000Z',
        step: 'fix',
        detail: 'rolled back (sshd-t); opening the password window instead',
      },
      { at: '2026-11-24T15:30:20.000Z', step: 'enable-password', detail: 'transaction 20261124T153020-abcd' },
      { at: '2026-11-24T15:31:00.000Z', step: 'verify', detail: 'passed' },
      { at: '2026-11-24T15:31:01.000Z', step: 'way-in', detail: 'シリアルコンソールを使います' },
    ],
    diagnosis,
    notFixed: diagnosis.findings.filter((f) => !f.blocking),
    changes: [
      {
        action: 'fix',
        txId: '20261124T153009-abcd',
        status: 'rolled-back',
        failedStep: 'sshd-t',
        backupDir: '/var/backups/vps-rescue/20261124T153009-abcd',
        files: ['/home/alice/.ssh'],
        diffs: [],
        fixed: [],
      },
      {
        action: 'enable-password',
        txId: '20261124T153020-abcd',
        status: 'ok',
        backupDir: '/var/backups/vps-rescue/20261124T153020-abcd',
        files: ['/etc/shadow', '/etc/ssh/sshd_config.d/00-vps-rescue-window.conf'],
        diffs: [],
        fixed: [],
        window: { until: '2026-11-24T16:30:20.000Z', mode: 'dropin' },
        generatedPasswordHandedOver: 'terminal (shown once)',
      },
    ],
    verification: {
      reachable: true,
      methods: { alice: ['publickey', 'password'], root: ['publickey'] },
      login: { via: 'password', ok: true },
      rootPasswordOffered: false,
      passed: true,
      proof: 'proven',
      hostKey: 'pinned',
    },
    via: 'console',
    counters: { bytesTyped: 3294, bytesReceived: 22558, roundTrips: 15, commands: 3 },
    transcriptPath: 'vps-rescue-reports/x.transcript.jsonl',
  };
}

/** The report with code spans, fenced blocks, times, addresses and well-known names taken out. */
function prose(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (JST|UTC)/g, '')
    .replace(/\b(SSH|sshd|TCP|JST|UTC)\b/g, '');
}

describe('the Japanese report is ready to paste', () => {
  it('has no English word and no code outside code spans', () => {
    const md = markdownReport(result(), 'ja');
    const words = prose(md).match(/[A-Za-z][A-Za-z._-]+/g) ?? [];
    expect(words, md).toEqual([]);
  });

  it('uses full-width punctuation: no ASCII colon or parenthesis in the prose', () => {
    const md = markdownReport(result(), 'ja');
    // Addresses keep their dots; times and code were taken out.
    expect(prose(md).match(/[:()]/g) ?? [], md).toEqual([]);
    // Lists are joined with the Japanese comma.
    expect(md).toContain('`alice`、`/home/alice/.ssh/authorized_keys`');
    expect(md).toContain('`publickey`、`password`');
    expect(md).not.toMatch(/`, `/);
  });

  it('writes times in JST for Japanese readers, and in the zone asked for', () => {
    const ja = markdownReport(result(), 'ja');
    expect(ja).toContain('2026-11-25 00:30:00 JST – 2026-11-25 00:31:02 JST');
    expect(ja).toContain('自動で終了する日時 2026-11-25 01:30:20 JST');
    expect(ja).not.toContain('2026-11-24T');
    const utc = markdownReport(result(), { lang: 'ja', timeZone: 'UTC' });
    expect(utc).toContain('2026-11-24 15:30:00 UTC');
    const en = markdownReport(result(), 'en');
    expect(en).toContain('2026-11-24 15:30:00 UTC');
  });

  it('formats a zone without a common name by its offset', () => {
    expect(formatTime('2026-11-24T15:30:00Z', { lang: 'en', timeZone: 'Asia/Kolkata' })).toBe(
      '2026-11-24 21:00:00 UTC+05:30',
    );
    expect(formatTime('2026-07-01T12:00:00Z', { lang: 'en', timeZone: 'America/New_York' })).toBe(
      '2026-07-01 08:00:00 UTC-04:00',
    );
  });

  it('a plan (dry run): each transaction with files, window and commands, and where a real run would stop', () => {
    const planned: RescueResult = {
      ...result(),
      dryRun: true,
      changes: [],
      plan: [
        {
          action: 'fix',
          txId: '20261124T153009-abcd',
          files: ['/home/alice/.ssh'],
          steps: [{ name: 'mode', code: "chmod 700 '/home/alice/.ssh'" }],
          reload: true,
        },
        {
          action: 'enable-password',
          txId: '20261124T153010-beef',
          files: ['/etc/ssh/sshd_config.d/00-vps-rescue.conf'],
          steps: [{ name: 'write-dropin', code: 'cat > x' }],
          reload: true,
          onlyIfStillRefused: true,
          window: { minutes: 30, mode: 'dropin' },
          setsPassword: true,
        },
      ],
      planStop: { code: 'usage.password-exists', params: { user: 'alice' } },
    };
    const en = markdownReport(planned, 'en');
    expect(en).toContain('## Plan (what a real run would do; nothing was applied)');
    expect(en).toContain("```sh\n# mode\nchmod 700 '/home/alice/.ssh'\n```");
    expect(en).toContain('- only if the user is still refused after the change before');
    expect(en).toContain('- Password login window: 30 minutes, closed by a timer on the server');
    expect(en).toContain('- A real run would stop here: the account alice has a password (locked)');
    const ja = markdownReport(planned, 'ja');
    expect(ja).toContain('### 2. パスワードログインの一時許可 — `20261124T153010-beef`');
    expect(ja).toContain('30 分間');
    expect(prose(ja).match(/[A-Za-z][A-Za-z._-]+/g) ?? [], ja).toEqual([]);
    expect(prose(ja).match(/[:()]/g) ?? [], ja).toEqual([]);
  });

  it('the test itself finds an untranslated word', () => {
    const md = markdownReport({ ...result(), via: 'guest agent' }, 'ja').replace(
      '`guest agent`',
      'guest agent',
    );
    expect(prose(md).match(/[A-Za-z][A-Za-z._-]+/g)).toEqual(['guest', 'agent']);
  });
});

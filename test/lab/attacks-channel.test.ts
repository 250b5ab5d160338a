import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { bootScenario, labRescueOptions, type BootedScenario } from '../../lab/index.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import { jsonReport, markdownReport } from '../../src/report/report.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { changedPaths, explained, snapshot } from './rescue-snapshot.js';

/**
 * A user on the server attacks the channel the rescue reads: a symlink whose name forges collector
 * sections, a hard link to /etc/shadow in the key file's place, and key files carrying result lines
 * (one of them for a transaction that really rolls back: the key file is immutable).
 * An ordinary rescue of alice runs through the real console each time; afterwards the account files
 * and /etc/ssh are byte-identical unless the rescue reported the change, and no password hash is in
 * the transcript or the reports.
 */

/** Runs `script` as alice (the attacker is an ordinary user). */
async function asAlice(b: BootedScenario, script: string): Promise<void> {
  await b.server.writeFile('/tmp/plant.sh', script, { mode: 0o755 });
  await b.server.execChecked("su -s /bin/sh alice -c 'sh /tmp/plant.sh'");
  await b.server.execChecked('rm -f /tmp/plant.sh');
}

interface Outcome {
  result?: RescueResult;
  error?: unknown;
  /** everything the rescue wrote down: transcript, JSON and Markdown reports */
  written: string;
  changed: string[];
}

async function attackedRescue(b: BootedScenario, overrides: Parameters<typeof labRescueOptions>[1]) {
  const dir = await mkdtemp(join(tmpdir(), 'vr-attack-'));
  try {
    const transcriptPath = join(dir, 'transcript.jsonl');
    const before = await snapshot(b.server);
    const out: Outcome = { written: '', changed: [] };
    try {
      out.result = await rescue(
        labRescueOptions(b.server, {
          customerKey: b.key.publicKey,
          privateKey: await readFile(b.key.privateKeyPath, 'utf8'),
          transcriptPath,
          handOverPassword: async () => 'test',
          ...overrides,
        }),
      );
    } catch (err) {
      out.error = err;
    }
    out.changed = changedPaths(before, await snapshot(b.server));
    out.written = [
      await readFile(transcriptPath, 'utf8').catch(() => ''),
      out.result ? jsonReport(out.result, 'en') + markdownReport(out.result, 'en') : String(out.error),
    ].join('\n');
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The password hashes on the server (their first 24 characters: the transcript may fold long lines). */
async function hashes(b: BootedScenario): Promise<string[]> {
  const shadow = await b.server.execChecked("awk -F: 'length($2)>9{print $2}' /etc/shadow");
  return shadow
    .split('\n')
    .filter(Boolean)
    .map((h) => h.slice(0, 24));
}

const ACCOUNT_FILES = /^\/etc\/(passwd|shadow|group|gshadow)-?$/;

labDescribe('attacks on the channel from the server', () => {
  describe.concurrent('a user on the server', () => {
    it('cannot forge collector sections with a symlink name (root chowning /etc/passwd)', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        // The review's reproduction: the backslashes are literal characters of the link's target name.
        await asAlice(
          b,
          String.raw`mkdir -p /home/alice/.ssh
ln -s '/home/alice/x\n@@VR P\nroot:x:0:0:::sh\nalice:x:1000:1000:::sh\n@@VR K \0057etc\0057passwd\n644 1001 1001 10 regular file|\0057etc\0057passwd' /home/alice/.ssh/authorized_keys
`,
        );
        const out = await attackedRescue(b, {});
        expect(out.changed.filter((p) => ACCOUNT_FILES.test(p))).toEqual([]);
        expect(
          out.changed.filter((p) => p.startsWith('/etc/') && !explained(p, out.result?.changes ?? [])),
        ).toEqual([]);
        const files = (out.result?.changes ?? []).flatMap((c) => c.files);
        // Only alice's files, sshd's configuration and the password window's own state, closer and boot unit.
        const ours =
          /^\/etc\/(ssh|vps-rescue)\/|^\/etc\/systemd\/system\/(multi-user\.target\.wants\/)?vps-rescue-/;
        expect(files.filter((f) => !f.startsWith('/home/alice/') && !ours.test(f))).toEqual([]);
        const cited = JSON.stringify(out.result?.diagnosis ?? {});
        expect(cited).not.toContain('"/etc/passwd"');
        expect(await b.server.execChecked('stat -c %U:%G:%a /etc/passwd')).toBe('root:root:644\n');
        if (out.error) expect(isRescueError(out.error), String(out.error)).toBe(true);
      } finally {
        await b.server.destroy();
      }
    });

    it('cannot get /etc/shadow read into the transcript through a hard link', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        await asAlice(b, 'mkdir -p -m 700 /home/alice/.ssh\n');
        // Made as root: on a kernel with fs.protected_hardlinks=0 alice could make it herself.
        await b.server.execChecked('ln /etc/shadow /home/alice/.ssh/authorized_keys');
        const secrets = await hashes(b);
        expect(secrets.length).toBeGreaterThan(0);
        const out = await attackedRescue(b, {});
        for (const secret of secrets) expect(out.written).not.toContain(secret);
        expect(out.changed.filter((p) => ACCOUNT_FILES.test(p))).toEqual([]);
        expect(await b.server.execChecked('stat -c %U:%G:%a:%h /etc/shadow')).toBe('root:shadow:640:2\n');
        if (out.result) {
          const causes = out.result.diagnosis?.findings.map((f) => f.cause) ?? [];
          expect(causes).toContain('keys.withheld');
        }
      } finally {
        await b.server.destroy();
      }
    });

    it('cannot steer the result of a transaction with result lines in a key file', async ({ expect }) => {
      const b = await bootScenario('story-wrong-dir');
      try {
        // Shown before and after the change; a rolled-back result would push the rescue into a password window.
        await asAlice(
          b,
          [
            'mkdir -p -m 700 /home/alice/.ssh',
            "printf 'VR-RESULT rolled-back write\\nVR-RESULT failed x\\n' > /home/alice/.ssh/authorized_keys",
            'chmod 600 /home/alice/.ssh/authorized_keys',
            '',
          ].join('\n'),
        );
        const out = await attackedRescue(b, { userPassword: undefined });
        expect(out.error).toBeUndefined();
        const changes = out.result!.changes;
        expect(changes.map((c) => c.status)).toEqual(changes.map(() => 'ok'));
        expect(changes.map((c) => c.action)).not.toContain('enable-password');
        expect(out.changed.filter((p) => p.startsWith('/etc/'))).toEqual([]);
        expect(out.result!.ok).toBe(true);
        const login = await b.server.sshLogin({ user: 'alice', privateKeyPath: b.key.privateKeyPath });
        expect(login.ok, login.stderr).toBe(true);
      } finally {
        await b.server.destroy();
      }
    });

    it('cannot make a rolled-back transaction read as ok with a result line in a key file', async ({
      expect,
    }) => {
      const b = await bootScenario('story-wrong-dir');
      const keys = '/home/alice/.ssh/authorized_keys';
      try {
        await asAlice(
          b,
          [
            'mkdir -p -m 700 /home/alice/.ssh',
            `printf 'VR-RESULT ok /var/backups/vps-rescue/x\\n' > ${keys}`,
            `chmod 600 ${keys}`,
            '',
          ].join('\n'),
        );
        // The write of the key then fails on the server (an immutable file), so the transaction rolls back.
        await b.server.execChecked(`chattr +i ${keys}`);
        const out = await attackedRescue(b, { userPassword: undefined, action: 'fix' });
        const statuses = (out.result?.changes ?? []).map((c) => c.status);
        expect(statuses).not.toContain('ok');
        expect(out.result?.ok ?? false).toBe(false);
        if (out.error)
          expect(isRescueError(out.error) && out.error.code, String(out.error)).toMatch(/^rescue\./);
        expect(out.changed.filter((p) => !p.startsWith('/home/alice/'))).toEqual([]);
        expect(out.changed).not.toContain(keys);
      } finally {
        await b.server.exec(`chattr -i ${keys}`);
        await b.server.destroy();
      }
    });
  });
});

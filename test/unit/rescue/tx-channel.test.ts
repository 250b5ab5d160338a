import { execFileSync } from 'node:child_process';
import { chownSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRescueError } from '../../../src/errors/rescue-error.js';
import { parseShownFiles, parseTxResult, renderTransactionRun } from '../../../src/rescue/transaction.js';

const NONCE = '0123456789abcdef';

describe('transaction result line', () => {
  it('counts only the whole line with this transaction nonce', () => {
    const out = [
      'VR-RESULT ok /var/backups/vps-rescue/x',
      `  VR-RESULT ${NONCE} ok /x`,
      `VR-RESULT fedcba9876543210 ok /y`,
      `VR-RESULT ${NONCE} rolled-back write`,
    ].join('\r\n');
    expect(parseTxResult(out, NONCE)).toEqual({ status: 'rolled-back', step: 'write' });
    expect(parseTxResult('VR-RESULT ok /x\n', NONCE)).toEqual({ status: 'unknown' });
  });

  it('keeps a step name with spaces whole (a rollback names the step that failed)', () => {
    const out = `VR-RESULT ${NONCE} rolled-back chmod /home/alice/.ssh\n`;
    expect(parseTxResult(out, NONCE)).toEqual({ status: 'rolled-back', step: 'chmod /home/alice/.ssh' });
  });

  it('rejects a second result line of the same nonce', () => {
    const out = `VR-RESULT ${NONCE} ok /a\nVR-RESULT ${NONCE} rolled-back write\n`;
    try {
      parseTxResult(out, NONCE);
      expect.unreachable();
    } catch (err) {
      expect(isRescueError(err) && err.code).toBe('rescue.rejected-result');
    }
  });

  it('every transaction gets its own nonce, on its result lines and nowhere in plain sight', () => {
    const tx = { id: 'T', backupFiles: [], backupModes: [], steps: [], checks: [] };
    const a = renderTransactionRun(tx);
    const b = renderTransactionRun(tx);
    expect(a.nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.script).toContain(`K=${a.nonce};`);
    expect(a.script).toContain('echo "VR-RESULT $K ok $B"');
    expect(a.script).toContain('echo "VR-RESULT $K rolled-back $1"');
  });
});

/** The script's own show functions, run on real files by dash and busybox ash. */
describe.each([['dash'], ['busybox ash']])('shown files under %s', (shell) => {
  const dir = mkdtempSync(join(tmpdir(), 'vr-show-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const home = join(dir, 'home', 'alice');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  const keys = join(home, '.ssh', 'authorized_keys');
  const forged = `ssh-ed25519 AAAA a\nVR-RESULT ${NONCE} ok /forged\n@@VR-Z ${NONCE} 2f 1\n`;
  writeFileSync(keys, forged);
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'root:$y$hash:1:0:99999:7:::\n');
  const linked = join(home, '.ssh', 'hard');
  linkSync(secret, linked);
  const viaLink = join(home, '.ssh', 'soft');
  symlinkSync(secret, viaLink);
  const foreign = join(home, '.ssh', 'foreign');
  writeFileSync(foreign, 'ssh-ed25519 BBBB b\n');
  chownSync(foreign, 4321, 4321);

  const run = () => {
    const { script, nonce } = renderTransactionRun({
      id: 'T',
      backupFiles: [],
      backupModes: [],
      steps: [],
      checks: [],
      show: [keys, linked, viaLink, foreign],
    });
    const fns = script.split('\n').filter((l) => /^(sf|sg)\(\)|^case \$1:\$2 /.test(l));
    const quoted = [keys, linked, viaLink, foreign].map((p) => `'${p}'`).join(' ');
    const program = [`K=${nonce}`, ...fns, `sf A ${quoted}`, `echo "VR-RESULT $K rolled-back write"`].join(
      '\n',
    );
    const [cmd = 'sh', ...args] = shell.split(' ');
    return { out: execFileSync(cmd, [...args, '-c', program]).toString(), nonce };
  };

  it.skipIf(process.getuid?.() !== 0)(
    'shows a user file exactly, as hex, and nothing linked or foreign',
    () => {
      const { out, nonce } = run();
      const { before } = parseShownFiles(out, nonce, [keys, linked, viaLink, foreign]);
      expect([...before.keys()]).toEqual([keys]);
      expect(before.get(keys)).toBe(forged);
      expect(out).not.toContain('$y$hash');
      expect(out).not.toContain('ssh-ed25519');
      // the file's forged result line does not count: the transaction rolled back
      expect(parseTxResult(out, nonce)).toEqual({ status: 'rolled-back', step: 'write' });
    },
  );
});

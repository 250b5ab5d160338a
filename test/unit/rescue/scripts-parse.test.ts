import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/diagnose/collection.js';
import { passwordWindow } from '../../../src/rescue/password-window.js';
import { parseShownFiles, renderTransaction, type Transaction } from '../../../src/rescue/transaction.js';

const dashAccepts = (script: string) => execFileSync('dash', ['-n'], { input: script, stdio: 'pipe' });

/** The shell scripts a transaction writes with `cat > PATH <<'VR_EOF'` (the closer) are scripts too. */
function embeddedScripts(tx: string): string[] {
  return [...tx.matchAll(/<<'VR_EOF'\n([\s\S]*?)\nVR_EOF/g)]
    .map((m) => m[1]!)
    .filter((body) => body.startsWith('#!/bin/sh'));
}

const withDropIns = {
  configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['Include /etc/ssh/sshd_config.d/*.conf'] }],
} as unknown as Collection;
const withoutDropIns = {
  configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['PasswordAuthentication no'] }],
} as unknown as Collection;
const now = new Date('2026-11-24T00:00:00Z');

describe('generated server scripts', () => {
  for (const [name, c] of [
    ['drop-in', withDropIns],
    ['inline', withoutDropIns],
  ] as const) {
    it(`the ${name} password window and its closer are sh that dash accepts`, () => {
      const plan = passwordWindow(c, {
        txId: 'T1-ab',
        user: 'alice',
        windowMinutes: 60,
        now,
        setPassword: true,
      });
      const tx = renderTransaction(plan.tx);
      expect(() => dashAccepts(tx)).not.toThrow();
      const closers = embeddedScripts(tx);
      expect(closers).toHaveLength(1);
      for (const script of closers) expect(() => dashAccepts(script)).not.toThrow();
      // A broken closer would leave the window open for ever: it must stay parseable.
      expect(() => dashAccepts(`${closers[0]}\n{`)).toThrow();
    });
  }

  it('a transaction carries only the library functions it calls', () => {
    const base: Transaction = { id: 'T2', backupFiles: [], backupModes: [], steps: [], checks: [] };
    const plain = renderTransaction(base);
    expect(plain).not.toMatch(/^g\(\)|^bf\(\)|^bm\(\)/m);
    const guarded = renderTransaction({
      ...base,
      backupFiles: ['/home/alice/.ssh/authorized_keys'],
      steps: [{ name: 's', code: "g '/home/alice/.ssh' '/home/alice'||exit 3" }],
    });
    expect(guarded).toMatch(/^g\(\)/m);
    expect(guarded).toMatch(/^bf\(\)/m);
    expect(() => dashAccepts(guarded)).not.toThrow();
  });

  it('shown files come back as they were before and after, final newline and all', () => {
    const out = [
      '@@VR-A /etc/ssh/a',
      'x',
      '',
      '@@VR-A /etc/ssh/b',
      'no-newline',
      '@@VR-Z /etc/ssh/a',
      'x',
      'y',
      '',
      'VR-RESULT ok /var/backups/vps-rescue/T',
    ].join('\r\n');
    const { before, after } = parseShownFiles(out);
    expect(before).toEqual(
      new Map([
        ['/etc/ssh/a', 'x\n'],
        ['/etc/ssh/b', 'no-newline'],
      ]),
    );
    expect(after).toEqual(new Map([['/etc/ssh/a', 'x\ny\n']]));
  });
});

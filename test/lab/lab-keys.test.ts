import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { cleanupOrphans } from '../../lab/index.js';
import { keysDir } from '../../lab/keys.js';
import { labDescribe } from '../support/lab-guard.js';

const ROOT = join(import.meta.dirname, '../..');

labDescribe('lab key pairs', () => {
  it('are removed when the process that made them exits, and swept when it died first', async ({
    expect,
  }) => {
    const made = execFileSync(
      'npx',
      [
        'tsx',
        '-e',
        "import('./lab/keys.ts').then(async (m) => { const k = await m.generateKeyPair(); console.log(k.privateKeyPath); })",
      ],
      { cwd: ROOT, encoding: 'utf8' },
    ).trim();
    expect(made).toMatch(/\/keys\/\d+\/id_ed25519_/);
    expect(existsSync(made)).toBe(false);

    // A worker killed before its exit handler ran: pid 2^22+1 is above Linux's pid_max, never alive;
    // and a pid reused by another program (here a sleep) is no test process either.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const stale = [keysDir(4194305), keysDir(other.pid!)];
      for (const dir of stale) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'id_ed25519_1'), 'x');
      }
      const mine = keysDir();
      mkdirSync(mine, { recursive: true });
      await cleanupOrphans();
      expect(stale.filter((dir) => existsSync(dir))).toEqual([]);
      // A live node process (this one) keeps its keys.
      expect(existsSync(mine)).toBe(true);
    } finally {
      other.kill();
    }
  }, 60_000);
});

import { execFileSync } from 'node:child_process';
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

    // A process killed before its exit handler ran: pid 2^22+1 is above Linux's pid_max, never alive.
    const dead = keysDir(4194305);
    mkdirSync(dead, { recursive: true });
    writeFileSync(join(dead, 'id_ed25519_1'), 'x');
    await cleanupOrphans();
    expect(existsSync(dead)).toBe(false);
  }, 60_000);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyPairScript, openSealed, seal } from './sealed.js';

/**
 * The sealed program against the real openssl and sh of this machine (what a Linux instance runs):
 * the key pair script, then the opening lines, must give back the program byte for byte, and leave
 * nothing readable but the program in the root-only key directory.
 */
const work = mkdtempSync(join(tmpdir(), 'vr-sealed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe('a program sealed to a key made on the instance', () => {
  it('opens with openssl to exactly the program; the ciphertext holds none of it', () => {
    const k = join(work, 'k1');
    const pem = sh(keyPairScript(k));
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const program = "VRPW='Canary-pw-ä€ 7f3e' sh /root/.vps-rescue/t.sh\nprintf 'x\\n'\n".repeat(40);
    const sealed = seal(pem, program);
    expect(Buffer.from(sealed.body, 'base64').subarray(0, 8).toString()).toBe('Salted__');
    expect(JSON.stringify(sealed)).not.toContain('Canary');
    const d = join(work, 'd1');
    sh(`d=${d}; mkdir -m 700 "$d"; k=${k}\n${openSealed(sealed).join('\n')}`);
    expect(readFileSync(join(k, 'in'), 'utf8')).toBe(program);
  });

  it('a program sealed to another key is refused (exit 124) and both directories are removed', () => {
    const k = join(work, 'k2');
    sh(keyPairScript(k));
    const other = sh(keyPairScript(join(work, 'k3')));
    const d = join(work, 'd2');
    let status = 0;
    try {
      sh(`d=${d}; mkdir -m 700 "$d"; k=${k}\n${openSealed(seal(other, 'id\n')).join('\n')}`);
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(124);
    expect(sh(`ls -d ${k} ${d} 2>/dev/null || true`)).toBe('');
  });
});

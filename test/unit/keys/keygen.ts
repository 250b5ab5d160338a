import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GeneratedKey {
  /** OpenSSH one-line public key */
  pub: string;
  /** the same key as ssh-keygen -e (RFC 4716) prints it */
  rfc4716: string;
  /** private key text: only to prove it is refused */
  priv: string;
  /** ssh-keygen -l fingerprint (SHA256:...) */
  fingerprint: string;
}

/** Real keys from the system ssh-keygen, so the parser is tested on what customers actually paste. */
export function generateKey(type: 'ed25519' | 'rsa' | 'ecdsa', comment = 'alice@laptop'): GeneratedKey {
  const dir = mkdtempSync(join(tmpdir(), 'vr-keys-'));
  try {
    const file = join(dir, 'id');
    const bits = type === 'rsa' ? ['-b', '2048'] : [];
    execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', comment, '-f', file]);
    const rfc4716 = execFileSync('ssh-keygen', ['-e', '-f', `${file}.pub`], { encoding: 'utf8' });
    const fp = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' });
    return {
      pub: readFileSync(`${file}.pub`, 'utf8').trim(),
      rfc4716,
      priv: readFileSync(file, 'utf8'),
      fingerprint: fp.split(' ')[1] ?? '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair } from '../ssh2-keys.js';

/**
 * A fresh ed25519 key pair whose private half is a real 0600 file in a temporary directory of its
 * own, for a simulated console gateway whose client reads its key from a file (Lish).
 */
export async function keyFile(
  name: string,
): Promise<{ path: string; publicKey: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vps-rescue-sim-'));
  const pair = ed25519KeyPair();
  const path = join(dir, name);
  await writeFile(path, pair.private, { mode: 0o600 });
  await chmod(path, 0o600);
  return { path, publicKey: pair.public, remove: () => rm(dir, { recursive: true, force: true }) };
}

import { rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_STATE } from './paths.js';
import { runChecked } from './run.js';

export type KeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface KeyPair {
  type: KeyType;
  privateKeyPath: string;
  /** One line: "<type> <base64> <comment>" */
  publicKey: string;
}

let counter = 0;

/** This process's key directory; removed when the process exits (the lab's cleanup sweeps dead ones). */
export const keysDir = (pid = process.pid) => join(LAB_STATE, 'keys', String(pid));
let removeAtExit = false;

/** Creates this process's key directory, removed again when the process exits. */
export async function ensureKeysDir(): Promise<string> {
  const dir = keysDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!removeAtExit) {
    removeAtExit = true;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

/** A fresh key pair made by the real ssh-keygen, as a customer's laptop would have. */
export async function generateKeyPair(type: KeyType = 'ed25519', comment = 'owner@laptop'): Promise<KeyPair> {
  const dir = await ensureKeysDir();
  const path = join(dir, `id_${type}_${Date.now()}_${counter++}`);
  const bits = type === 'rsa' ? ['-b', '3072'] : [];
  await runChecked('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', comment, '-f', path]);
  return { type, privateKeyPath: path, publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
}

/** The same public key in RFC 4716 form, as PuTTYgen shows it ("---- BEGIN SSH2 PUBLIC KEY ----"). */
export async function toRfc4716(key: KeyPair): Promise<string> {
  const r = await runChecked('ssh-keygen', ['-e', '-f', `${key.privateKeyPath}.pub`]);
  return r.stdout;
}

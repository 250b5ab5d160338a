/** Public key algorithms sshd may accept in authorized_keys (plain keys and certificates). */
export const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-rsa-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
] as const;

export type KeyType = (typeof KEY_TYPES)[number];

export function isKeyType(word: string): word is KeyType {
  return (KEY_TYPES as readonly string[]).includes(word);
}

/** Markers of private key material: such text must never be printed, stored or sent anywhere. */
export const PRIVATE_KEY_PATTERN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File-\d/;

/**
 * The algorithm name stored inside a key blob (an SSH string: uint32 length + bytes). A key line
 * whose stated type differs from the blob's is rejected by sshd, so both are checked.
 */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  const name = blob.subarray(4, 4 + len).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}

/** How many SSH strings/mpints a plain key blob holds, type name included. */
const BLOB_FIELDS: Record<string, number> = {
  'ssh-ed25519': 2,
  'ssh-rsa': 3,
  'ssh-dss': 5,
  'ecdsa-sha2-nistp256': 3,
  'ecdsa-sha2-nistp384': 3,
  'ecdsa-sha2-nistp521': 3,
  'sk-ssh-ed25519@openssh.com': 3,
  'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};

/**
 * A blob that is exactly one whole key of its stated type. A truncated blob (half of a wrapped line)
 * still starts with a valid type name, so the fields are walked to the last byte. Certificates are
 * only checked for their name: their layout is long and a truncated one fails the length walk anyway.
 */
export function blobIsWholeKey(blob: Buffer): boolean {
  const type = blobKeyType(blob);
  if (!type) return false;
  const fields = BLOB_FIELDS[type];
  if (fields === undefined) return type.endsWith('-cert-v01@openssh.com') && blob.length > 100;
  let off = 0;
  for (let i = 0; i < fields; i++) {
    if (off + 4 > blob.length) return false;
    off += 4 + blob.readUInt32BE(off);
    if (off > blob.length) return false;
  }
  return off === blob.length;
}

/** Strict base64: what sshd's decoder accepts (no whitespace inside, padding only at the end). */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

/** Modulus size of an ssh-rsa blob (string type, mpint e, mpint n). */
export function rsaBits(blob: Buffer): number | undefined {
  let off = 0;
  const next = (): Buffer | undefined => {
    if (off + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(off);
    if (off + 4 + len > blob.length) return undefined;
    const part = blob.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return part;
  };
  next();
  next();
  const n = next();
  if (!n) return undefined;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  const top = n[i] ?? 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(top));
}

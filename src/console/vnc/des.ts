import { createCipheriv } from 'node:crypto';

/** VNC auth quirk: every key byte goes into DES with its bits mirrored. */
function reverseBits(byte: number): number {
  let out = 0;
  for (let i = 0; i < 8; i++) out |= ((byte >> i) & 1) << (7 - i);
  return out;
}

/**
 * The 16-byte answer to a VNC auth challenge: DES-ECB with the password (first 8 bytes, zero padded,
 * bits reversed) as the key. Node 20's OpenSSL refuses single DES, but triple DES with K||K||K is
 * the same cipher (E_K(D_K(E_K(x))) = E_K(x)).
 */
export function vncAuthResponse(challenge: Uint8Array, password: string): Buffer {
  if (challenge.length !== 16) throw new Error('VNC auth challenge must be 16 bytes');
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]!);
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

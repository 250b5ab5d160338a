/**
 * Z85 (ZeroMQ RFC 32): 4 bytes as 5 printable characters, against base64's 3 as 4 — 6 % fewer
 * characters to type. Decoded on the server by coreutils' `basenc --z85 -d` (coreutils 8.31 and
 * later); where that is missing the upload stays base64. The alphabet has no quote, backslash,
 * space or control character, so it is typed into a quoted here-document as it is.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** `data` padded with zero bytes to a multiple of 4 (Z85 has no padding of its own), encoded. */
export function z85Encode(data: Buffer): string {
  const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
  data.copy(padded);
  let out = '';
  for (let i = 0; i < padded.length; i += 4) {
    let value = padded.readUInt32BE(i);
    const group: string[] = [];
    for (let k = 0; k < 5; k++) {
      group.unshift(ALPHABET[value % 85]!);
      value = Math.floor(value / 85);
    }
    out += group.join('');
  }
  return out;
}

/** How an upload's bytes are typed, and the sh that turns the here-document back into bytes. */
export type Encoding = 'base64' | 'z85';

export function encodeFor(encoding: Encoding, data: Buffer): string {
  return encoding === 'z85' ? z85Encode(data) : data.toString('base64');
}

export const DECODER: Record<Encoding, string> = { base64: 'base64 -d', z85: 'basenc --z85 -d' };

import { constants, crc32, deflateRawSync } from 'node:zlib';
import { DECODER, encodeFor, type Encoding } from './z85.js';

/**
 * Scripts typed into one shell, compressed as ONE gzip stream: each script's deflate blocks may
 * refer back to every script sent before it (deflate's 32 KiB window), so text the scripts share —
 * the collector's helpers and a transaction's, shell idioms, paths — crosses the console once.
 *
 * Every upload is a complete gzip file on the server: what the server already holds of the stream
 * (the first `bytes` of the previous upload's file, read with `head -c`), the new blocks, then an
 * empty final block and the trailer. The trailer's CRC-32 and length cover all scripts so far, so
 * `gzip -dc` checks the whole chain, the stored part included; `tail -c +N` keeps the new script.
 * The stored files sit in the root-only work directory, beside the scripts that are run from it.
 */
export interface GzipChain {
  /** The server's file whose first `bytes` are the stream so far (without final block and trailer). */
  file: string;
  bytes: number;
  /** Everything the stream has carried so far, uncompressed. */
  data: Buffer;
}

export interface ChainedUpload {
  /** The new part of the stream, with final block and trailer. */
  sent: Buffer;
  /** What is typed: `sent` encoded (Z85 ends in up to 3 zero bytes, which gzip -d ignores). */
  typed: string;
  /** The chain once the server holds this upload in `file`. */
  next: GzipChain;
  /** sh that writes the stream to `file` and the new script to $p (`path`); sets u (0: intact). */
  decode: (end: string) => string;
}

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
/** An empty final block (fixed Huffman): ends the stream after a sync flush. */
const FINAL = Buffer.from([3, 0]);
const WINDOW = 32 * 1024;

/**
 * The upload of `data` to `path`, continuing `chain` (or starting one). The file names go into sh
 * unquoted: they must be plain (letters, digits, `/._-`).
 */
export function chainUpload(
  chain: GzipChain | undefined,
  path: string,
  data: Buffer,
  encoding: Encoding = 'base64',
): ChainedUpload {
  for (const p of [path, chain?.file ?? '/'])
    if (!/^[\w./-]+$/.test(p)) throw new Error(`not a plain path for a chained upload: ${p}`);
  const head = chain ? Buffer.alloc(0) : HEADER;
  // A sync flush ends on a byte boundary with no final block: the next upload's blocks follow it.
  const blocks = deflateRawSync(data, {
    level: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
    ...(chain ? { dictionary: chain.data.subarray(-WINDOW) } : {}),
  });
  const all = chain ? Buffer.concat([chain.data, data]) : data;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(all), 0);
  trailer.writeUInt32LE(all.length % 2 ** 32, 4);
  const file = `${path}.z`;
  const next = { file, bytes: (chain?.bytes ?? 0) + head.length + blocks.length, data: all };
  // The script's path is in $p (set by the caller's line), typed once.
  const d = DECODER[encoding];
  const decode = (end: string) =>
    chain
      ? `{ head -c ${chain.bytes} ${chain.file};${d}<<'${end}';}>$p.z;gzip -t<$p.z&&gzip -dc<$p.z|tail -c +${chain.data.length + 1}>$p;u=$?`
      : `${d}<<'${end}'>$p.z;gzip -dc<$p.z>$p;u=$?`;
  const sent = Buffer.concat([head, blocks, FINAL, trailer]);
  return { sent, typed: encodeFor(encoding, sent), next, decode };
}

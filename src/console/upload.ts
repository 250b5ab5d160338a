import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { RescueError } from '../errors/rescue-error.js';
import { nonce } from './prompts.js';
import type { CommandRunner } from './runner.js';
import type { ConsoleChannel } from './expect.js';

export interface UploadOptions {
  /** e.g. '0755' for a script */
  mode?: string;
  /** base64 characters per typed line */
  lineLength?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** gzip before base64 (a text script shrinks to about a third); falls back to plain if the server lacks gzip */
  compress?: boolean;
}

/** Single-quoted for sh: the only character needing care is ' itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes a file on the server through the console: a base64 heredoc typed line by line (each echo
 * checked before Enter), decoded into a temporary file, verified with sha256sum against the local
 * digest, then moved into place. A mismatch leaves the target untouched.
 */
export async function uploadThroughConsole(
  ch: ConsoleChannel,
  runner: CommandRunner,
  path: string,
  data: Buffer,
  opts: UploadOptions = {},
): Promise<void> {
  if (opts.compress) {
    try {
      return await typeUpload(ch, runner, path, data, opts, gzipSync(data, { level: 9 }));
    } catch (err) {
      if (!(err instanceof RescueError && err.code === 'console.upload-failed')) throw err;
      ch.note(`upload ${path}: compressed upload failed, sending it plain`);
    }
  }
  return typeUpload(ch, runner, path, data, opts);
}

async function typeUpload(
  ch: ConsoleChannel,
  runner: CommandRunner,
  path: string,
  data: Buffer,
  opts: UploadOptions,
  gzipped?: Buffer,
): Promise<void> {
  const name = path.split('/').pop() ?? path;
  const tmp = `${path}.vr-${nonce(6)}`;
  const lineLength = opts.lineLength ?? 300;
  const b64 = (gzipped ?? data).toString('base64');
  const end = `E${nonce(5)}`;
  const mark = nonce(8);
  ch.note(`upload ${path}: ${data.length} bytes`);
  // The here-document feeds base64, whatever follows it in the pipeline.
  const decode = gzipped
    ? `base64 -d <<'${end}'|gzip -dc >${shellQuote(tmp)}`
    : `base64 -d >${shellQuote(tmp)} <<'${end}'`;
  await runner.typeLine(`${decode};printf "\\n${mark}-$?-\\n"`, opts);
  ch.type('\r');
  for (let i = 0; i < b64.length; i += lineLength) {
    await runner.typeLine(b64.slice(i, i + lineLength), opts);
    ch.type('\r');
  }
  await runner.typeLine(end, opts);
  ch.type('\r');
  const decoded = await ch.expect(
    [{ name: 'marker', re: new RegExp(`${mark}-(\\d+)-`), filterKernel: true }],
    {
      timeoutMs: opts.timeoutMs ?? 60_000,
      waitingFor: `the end of the upload of ${name}`,
      signal: opts.signal,
    },
  );
  await runner.waitForPrompt(opts);
  if (decoded.match[1] !== '0') {
    await runner.run(`rm -f ${shellQuote(tmp)}`);
    throw new RescueError('console.upload-failed', { name });
  }
  // One command checks the digest and moves the file into place: one round trip, nothing moved on a mismatch.
  const want = createHash('sha256').update(data).digest('hex');
  const chmod = opts.mode ? `chmod ${opts.mode} ${shellQuote(tmp)}&&` : '';
  const placed = await runner.run(
    `[ "$(sha256sum ${shellQuote(tmp)}|cut -c1-64)" = ${want} ]&&${chmod}mv -f ${shellQuote(tmp)} ${shellQuote(path)}||{ rm -f ${shellQuote(tmp)};false; }`,
    opts,
  );
  if (placed.exitCode !== 0) throw new RescueError('console.upload-failed', { name });
}

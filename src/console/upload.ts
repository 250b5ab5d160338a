import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import { nonce } from './prompts.js';
import { MAX_TYPED_LINE, type CommandRunner } from './runner.js';
import { chainUpload } from './gzip-chain.js';
import type { ConsoleChannel } from './expect.js';
import { fetchPacked, packedFrom, packedMarker } from './vnc/screen-pages.js';

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

export interface ConsoleScriptRun {
  path: string;
  data: Buffer;
  /**
   * Secrets for the script's environment (name → value). They are never part of a typed command
   * line (which would echo, reach the transcript and the shell's history): each is typed without echo
   * into `read`, in a shell variable that reaches only the script and is unset right after it.
   */
  env?: Record<string, string>;
  before?: string;
  after?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Writes a script and runs it in ONE command: the base64 here-document is decoded into `path` and,
 * only if that worked, `sh path` runs; the marker carries both statuses. Compressed, gzip's own CRC
 * proves the bytes arrived intact; without gzip on the server (status 127) the plain form is checked
 * with sha256 instead. Scripts go to fresh paths, so a damaged transfer never replaces anything.
 */
export async function runScriptThroughConsole(
  ch: ConsoleChannel,
  runner: CommandRunner,
  req: ConsoleScriptRun,
): Promise<{ stdout: string; exitCode: number }> {
  const names = Object.keys(req.env ?? {});
  for (const name of names) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new RescueError('internal', { message: `bad name ${name}` });
    await readSecret(ch, runner, name, req.env![name]!, req);
  }
  // Continuing this shell's gzip stream first (the smallest), then a stream of its own, then plain.
  const tries: Transfer[] = runner.gzipChain ? ['continued', 'compressed', 'plain'] : ['compressed', 'plain'];
  for (const how of tries) {
    const r = await typeScript(ch, runner, req, how);
    if (r.upload === 0) return r;
    ch.note(`script ${req.path}: ${how} transfer failed (status ${r.upload}), trying the next way`);
    // The server's Z85 decoder may be what failed: this shell's uploads go as base64 from now on.
    if (runner.encoding === 'z85') runner.encoding = 'base64';
  }
  throw new RescueError('console.upload-failed', { name: req.path.split('/').pop() ?? req.path });
}

/** continued: part of the shell's gzip stream (gzip-chain.ts); compressed: a stream of its own. */
type Transfer = 'continued' | 'compressed' | 'plain';

async function typeScript(
  ch: ConsoleChannel,
  runner: CommandRunner,
  req: ConsoleScriptRun,
  how: Transfer,
): Promise<{ stdout: string; exitCode: number; upload: number }> {
  const p = req.path;
  if (!/^[\w./-]+$/.test(p)) throw new RescueError('internal', { message: `not a plain script path: ${p}` });
  const end = `E${nonce(5)}`;
  const mark = nonce(8);
  const chained =
    how === 'plain'
      ? undefined
      : chainUpload(how === 'continued' ? runner.gzipChain : undefined, p, req.data, runner.encoding);
  const b64 = chained?.typed ?? req.data.toString('base64');
  const digest = createHash('sha256').update(req.data).digest('hex');
  // The path typed once, in $p (a variable of our root shell, like u and r).
  const decode = `p=${p};${chained ? chained.decode(end) : `base64 -d<<'${end}'>$p;[ "$(sha256sum<$p|cut -c1-64)" = ${digest} ];u=$?`}`;
  const names = Object.keys(req.env ?? {});
  const env = names.map((n) => `${n}="$${n}" `).join('');
  const run = `[ $u = 0 ]&&${env}sh $p;r=$?${names.length > 0 ? `;unset ${names.join(' ')}` : ''}`;
  // A screen-only console (VNC) keeps the output in a file and reads it back in pages.
  const paged = runner.screenRows !== undefined;
  if (paged) await runner.preparePaging(req);
  const lineWith = (before: string | undefined) =>
    (paged
      ? [
          // What `before` prints is output too, as on a streaming console.
          `{ ${before ?? ':'};}>$VRO 2>&1`,
          decode,
          `{ ${[run, req.after].filter(Boolean).join(';')};}>>$VRO 2>&1`,
          `vf ${mark}-$u-$r`,
        ]
      : [before, decode, run, req.after, `printf "\\n${mark}-$u-$r-\\n"`]
    )
      .filter(Boolean)
      .join(';');
  let line = lineWith(req.before);
  let prefix = '';
  if (line.length > MAX_TYPED_LINE && req.before) {
    // Too long for one typed line (a plain transfer's checksum): `before` goes first, on its own.
    const first = await runner.run(req.before, req);
    prefix = `${first.stdout}\n`;
    line = lineWith(undefined);
  }
  ch.note(
    `script ${req.path}: ${req.data.length} bytes${chained ? `, ${how} (${chained.sent.length} gzip bytes)` : ''}`,
  );
  await runner.typeLine(line, req);
  ch.type('\r');
  const body: string[] = [];
  for (let i = 0; i < b64.length; i += SCRIPT_LINE) body.push(b64.slice(i, i + SCRIPT_LINE));
  // The end line goes with the last group: a damaged line fails the checksum, and then nothing runs.
  const lines = [...body, end];
  await runner.feedLines(lines, req).catch((err: unknown) => {
    if (!(err instanceof RescueError && err.code === 'console.upload-failed')) throw err;
    ch.note(`script ${req.path}: a typed line did not echo back; its checksum decides`);
    // End the here-document (a half-typed line first cleared): the damaged data fails gzip's CRC or
    // the sha256 check, so the script does not run and the status says so.
    if (Number(err.params.typed) < lines.length) ch.type(`\x15${end}\r`);
  });
  runner.commands++;
  const re = paged ? packedMarker(`${mark}-(\\d+)-(\\d+)`) : new RegExp(`${mark}-(\\d+)-(\\d+)-`);
  let done;
  try {
    done = await ch.expect([{ name: 'marker', re, filterKernel: true }], {
      timeoutMs: req.timeoutMs ?? 90_000,
      waitingFor: `the end of ${req.path.split('/').pop() ?? req.path}`,
      signal: req.signal,
    });
  } catch (err) {
    await runner.interrupt();
    throw err;
  }
  await runner.waitForPrompt(req);
  if (paged) {
    const data = await fetchPacked(ch, runner, packedFrom(done.match, 3), re, {
      signal: req.signal,
      stats: runner.paging,
    });
    const upload = Number(done.match[1]);
    if (upload === 0 && chained) runner.gzipChain = chained.next;
    return { stdout: prefix + data.toString('utf8'), upload, exitCode: Number(done.match[2]) };
  }
  let stdout = done.before;
  if (stdout.startsWith('\n')) stdout = stdout.slice(1);
  if (stdout.endsWith('\n')) stdout = stdout.slice(0, -1);
  const upload = Number(done.match[1]);
  if (upload === 0 && chained) runner.gzipChain = chained.next;
  return { stdout: prefix + stdout, upload, exitCode: Number(done.match[2]) };
}

/**
 * Puts a secret into a shell variable (not exported) without it ever being echoed or typed as part
 * of a command line: echo is switched off first and only then does the shell print a marker, so the
 * secret is typed only once `read` is waiting behind a silent terminal. No stty, no marker: nothing
 * is typed and the step fails.
 */
async function readSecret(
  ch: ConsoleChannel,
  runner: CommandRunner,
  name: string,
  value: string,
  opts: { signal?: AbortSignal },
): Promise<void> {
  if (/[\r\n]/.test(value)) throw new RescueError('internal', { message: `${name} holds a line break` });
  registerSecret(value);
  const mark = nonce(8);
  // The echo shows `%s` where the output has `r`: the typed line can never look like the marker.
  await runner.typeLine(`stty -echo&&{ printf "\\n${mark}-%s-\\n" r;IFS= read -r ${name};stty echo;}`, opts);
  ch.type('\r');
  try {
    const ready = new RegExp(`${mark}-r-`);
    // A screen-only console (VNC) shows the marker on the screen; a serial one in the stream.
    await ch.expect(
      [
        { name: 'ready', re: ready, filterKernel: true },
        { name: 'ready-screen', on: 'screen', re: ready },
      ],
      {
        timeoutMs: 15_000,
        waitingFor: 'the silent read of a secret',
        signal: opts.signal,
      },
    );
  } catch (err) {
    await runner.interrupt();
    if (opts.signal?.aborted) throw err;
    throw new RescueError('console.command-failed', { step: `read ${name}`, exitCode: 1 });
  }
  ch.typeSecret(value);
  await runner.waitForPrompt(opts);
}

/** base64 characters per typed line: under the 400 columns the runner sets, with the "> " of PS2. */
const SCRIPT_LINE = 376;

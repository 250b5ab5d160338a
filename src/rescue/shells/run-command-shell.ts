import { createHash, randomBytes } from 'node:crypto';
import type { ProviderAdapter, ServerRef } from '../../../providers/types.js';
import { Transcript } from '../../console/transcript.js';
import { RescueError } from '../../errors/rescue-error.js';
import { registerSecret } from '../../secrets.js';
import type { ScriptRun, ServerShell, ShellResult } from '../server-shell.js';

export interface RunCommandShellOptions {
  /** An adapter that has runCommand (Proxmox guest agent exec, …); its output limit, if any, turns paging on. */
  adapter: Pick<ProviderAdapter, 'id' | 'runCommand' | 'runCommandOutputBytes'>;
  server: ServerRef;
  /** For the report, e.g. "guest agent (proxmox)". */
  via: string;
  /** A Transcript, or a file to append its JSON lines to (masked like a console transcript). */
  transcript?: Transcript | string;
  /** Per command when the caller gives none. */
  timeoutMs?: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single-quoted for sh: the only character that needs care inside is the quote itself. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * One line of sh as the program text on stdin. The guest agent starts a bare `/bin/sh` (argv shows
 * nothing of the work) and stderr joins stdout as on a console. The command's own stdin is
 * /dev/null: a command that reads stdin would otherwise swallow the rest of the program.
 */
export function commandProgram(cmd: string): string {
  return `exec 2>&1\n{\n${cmd}\n} </dev/null\n`;
}

/** A here-document delimiter that is no line of `text`. */
function delimiterFor(text: string): string {
  const lines = new Set(text.split('\n'));
  for (;;) {
    const end = `VR_END_${randomBytes(6).toString('hex')}`;
    if (!lines.has(end)) return end;
  }
}

export interface ScriptProgram {
  /** What goes to sh's stdin (holds env values: never logged). */
  program: string;
  /** Ends the output: `\n<marker>-<upload status>-<script status>-\n`. */
  marker: string;
}

/**
 * The script written with a quoted here-document (no expansion, bytes as given), checked with
 * sha256 where the guest has sha256sum, and run only if it arrived whole. Env values are
 * assignments in front of `sh path`: they live in the script's environment and on stdin, never in
 * any argv. The marker line carries the upload and script statuses, as the console path does.
 */
export function scriptProgram(req: ScriptRun): ScriptProgram {
  const body = req.script.endsWith('\n') ? req.script : `${req.script}\n`;
  const digest = createHash('sha256').update(body).digest('hex');
  const p = shQuote(req.path);
  const end = delimiterFor(body);
  const marker = `VR_DONE_${randomBytes(6).toString('hex')}`;
  const env = Object.entries(req.env ?? {}).map(([name, value]) => {
    if (!ENV_NAME.test(name))
      throw new RescueError('internal', { message: `not an environment variable name: ${name}` });
    return `${name}=${shQuote(value)} `;
  });
  const lines = [
    'exec 2>&1',
    'umask 077',
    ...(req.before ? ['{', req.before, '} </dev/null'] : []),
    `cat > ${p} <<'${end}'`,
    `${body}${end}`,
    'u=$?',
    `if [ $u = 0 ] && command -v sha256sum >/dev/null 2>&1; then [ "$(sha256sum < ${p} | cut -c1-64)" = ${digest} ]; u=$?; fi`,
    'r=0',
    `if [ $u = 0 ]; then ${env.join('')}sh ${p} </dev/null; r=$?; fi`,
    ...(req.after ? ['{', req.after, '} </dev/null'] : []),
    `printf '\\n${marker}-%s-%s-\\n' "$u" "$r"`,
    'exit $r',
  ];
  return { program: `${lines.join('\n')}\n`, marker };
}

/** Splits the marker line off: the output before it, and the two statuses it carries. */
export function parseScriptOutput(
  stdout: string,
  marker: string,
): { stdout: string; upload: number; exitCode: number } | undefined {
  const m = new RegExp(`\\n${marker}-(\\d+)-(\\d+)-\\n?$`).exec(stdout);
  if (!m) return undefined;
  return { stdout: stdout.slice(0, m.index), upload: Number(m[1]), exitCode: Number(m[2]) };
}

/** Runs one sh program given on stdin; `out` is stdout with stderr joined. */
export type StdinExec = (program: string, timeoutMs?: number) => Promise<{ out: string; exitCode: number }>;

/**
 * run() and runScript() for a channel that takes one whole sh program on stdin per call (a guest
 * agent's exec, an SSH exec into a rescue system), with the transcript a console would keep.
 */
export function stdinShellCommands(
  exec: StdinExec,
  transcript: Transcript,
): Pick<ServerShell, 'run' | 'runScript'> {
  return {
    async run(cmd: string, opts: { timeoutMs?: number } = {}): Promise<ShellResult> {
      transcript.typed(`${cmd}\n`);
      const r = await exec(commandProgram(cmd), opts.timeoutMs);
      transcript.received(Buffer.from(r.out));
      transcript.note(`exit ${r.exitCode}`);
      return { stdout: r.out, exitCode: r.exitCode };
    },
    async runScript(req: ScriptRun): Promise<ShellResult> {
      for (const value of Object.values(req.env ?? {})) registerSecret(value);
      const { program, marker } = scriptProgram(req);
      const names = Object.keys(req.env ?? {});
      transcript.note(
        `script ${req.path}: ${Buffer.byteLength(req.script)} bytes${names.length ? `, env ${names.join(' ')}` : ''}`,
      );
      if (req.before) transcript.typed(`${req.before}\n`);
      transcript.typed(`sh ${req.path}\n`);
      if (req.after) transcript.typed(`${req.after}\n`);
      const r = await exec(program, req.timeoutMs ?? 90_000);
      const parsed = parseScriptOutput(r.out, marker);
      transcript.received(Buffer.from(parsed ? parsed.stdout : r.out));
      const name = req.path.split('/').pop() ?? req.path;
      if (!parsed) throw new RescueError('console.command-failed', { step: name, exitCode: r.exitCode });
      if (parsed.upload !== 0) throw new RescueError('console.upload-failed', { name });
      transcript.note(`exit ${parsed.exitCode}`);
      return { stdout: parsed.stdout, exitCode: parsed.exitCode };
    },
  };
}

/**
 * A root shell over a vendor's run-command channel: every command is one agent exec of `/bin/sh`
 * with the work on stdin. No login, no terminal; nothing persists between commands but files.
 */
export function runCommandShell(o: RunCommandShellOptions): ServerShell {
  const runCommand = o.adapter.runCommand?.bind(o.adapter);
  if (!runCommand) throw new RescueError('internal', { message: `${o.adapter.id} has no runCommand` });
  const transcript = o.transcript instanceof Transcript ? o.transcript : new Transcript(o.transcript);
  transcript.note(`connected: ${o.via}, server ${o.server.name} (${o.server.id})`);
  let commands = 0;
  let bytesTyped = 0;
  let bytesReceived = 0;

  const send = async (program: string, timeoutMs?: number) => {
    commands++;
    bytesTyped += Buffer.byteLength(program);
    const r = await runCommand(o.server, ['/bin/sh'], {
      input: program,
      timeoutMs: timeoutMs ?? o.timeoutMs ?? 60_000,
    });
    // stderr is joined to stdout by the program; anything here came from sh itself.
    const out = r.stderr ? `${r.stdout}${r.stderr}` : r.stdout;
    bytesReceived += Buffer.byteLength(out);
    return { out, exitCode: r.exitCode };
  };
  const limit = o.adapter.runCommandOutputBytes;
  const exec: StdinExec = limit ? (program, timeoutMs) => pagedExec(send, limit, program, timeoutMs) : send;

  return {
    via: o.via,
    get counters() {
      return { bytesTyped, bytesReceived, roundTrips: commands, commands, reconnects: 0 };
    },
    ...stdinShellCommands(exec, transcript),
    async close(): Promise<void> {
      transcript.note('closed');
      transcript.flush();
    },
  };
}

/**
 * Paged output for run-command channels that keep only the tail of what a command prints (Azure's
 * Run Command: the last 4,096 bytes). The program runs with its output in a root-only file, and
 * the output comes back in base64 pages no larger than the channel keeps: the first with the
 * program's status and the file's size, the rest read by offset, the file removed with the last.
 * Base64 keeps every byte (a page may split a character) and makes the header unforgeable: the
 * server's own output can never hold the header's `_`-named marker or a space.
 */

/** Room left in each answer for the header line and the channel's own status line. */
const HEADER_ROOM = 200;
/** base64 writes 76-character lines: 57 bytes each, 77 characters with the newline. */
const LINE_BYTES = 57;
const LINE_CHARS = 77;

/** Bytes of output per page for a channel that keeps `limit` bytes. */
export function pageBytes(limit: number): number {
  return Math.max(1, Math.floor((limit - HEADER_ROOM) / LINE_CHARS)) * LINE_BYTES;
}

/** Only a name mktemp gives in /run or /tmp is read again or removed. */
const OUTPUT_FILE = /^\/(run|tmp)\/[A-Za-z0-9._-]+$/;

const decode = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'base64');

/** Runs `program` through `send`, reading its whole output back in pages that fit `limit`. */
export async function pagedExec(
  send: StdinExec,
  limit: number,
  program: string,
  timeoutMs?: number,
): Promise<{ out: string; exitCode: number }> {
  const page = pageBytes(limit);
  const marker = `VR_PAGE_${randomBytes(6).toString('hex')}`;
  const end = delimiterFor(program);
  const body = program.endsWith('\n') ? program : `${program}\n`;
  const first = [
    'umask 077',
    'f=$(mktemp /run/vr-out.XXXXXXXXXX 2>/dev/null || mktemp) || exit 125',
    `sh > "$f" 2>&1 <<'${end}'`,
    `${body}${end}`,
    's=$?',
    'n=$(wc -c < "$f" | tr -d " ")',
    `printf '%s %s %s %s\\n' ${marker} "$s" "$n" "$f"`,
    `head -c ${page} "$f" | base64`,
    `[ "$n" -gt ${page} ] || rm -f "$f"`,
    '',
  ].join('\n');
  const r = await send(first, timeoutMs);
  const header = new RegExp(`(?:^|\\n)${marker} (\\d+) (\\d+) (\\S+)\\n`).exec(r.out);
  if (!header) return { out: r.out, exitCode: r.exitCode === 0 ? -1 : r.exitCode };
  const exitCode = Number(header[1]);
  const size = Number(header[2]);
  const file = header[3]!;
  const chunks = [decode(r.out.slice(header.index + header[0].length))];
  let read = chunks[0]!.length;
  if (read < size && !OUTPUT_FILE.test(file)) {
    return { out: Buffer.concat(chunks).toString('utf8'), exitCode: -1 };
  }
  while (read < size) {
    const last = read + page >= size;
    const next = [
      `f='${file}'`,
      `tail -c +${read + 1} "$f" | head -c ${page} | base64`,
      ...(last ? ['rm -f "$f"'] : []),
      '',
    ].join('\n');
    const chunk = decode((await send(next, timeoutMs)).out);
    if (chunk.length === 0) break;
    chunks.push(chunk);
    read += chunk.length;
  }
  return { out: Buffer.concat(chunks).toString('utf8'), exitCode: read === size ? exitCode : -1 };
}

import { randomBytes } from 'node:crypto';
import type { StdinExec } from './run-command-shell.js';

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

function delimiter(text: string): string {
  const lines = new Set(text.split('\n'));
  for (;;) {
    const end = `VR_PROG_${randomBytes(6).toString('hex')}`;
    if (!lines.has(end)) return end;
  }
}

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
  const end = delimiter(program);
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

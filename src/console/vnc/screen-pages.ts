import { gunzipSync } from 'node:zlib';
import { RescueError } from '../../errors/rescue-error.js';
import type { ConsoleChannel } from '../expect.js';
import { nonce } from '../prompts.js';
import type { ScreenSnapshot } from '../transport/types.js';

/**
 * Output that is longer than a screen, on a console that only shows its last rows (VNC): the command
 * writes into a file in a private directory (mktemp -d, removed when the shell exits), only a marker
 * reaches the screen, and the output comes back as gzip+base64 lines, a screenful at a time, read off
 * the screen itself (not the stream: a page identical to the rows already there would not show in it).
 *
 * Three shell functions are typed once per shell (see helperDefinition):
 *   vf MARK      after `{ cmd;}>$VRO 2>&1`: packs the output and prints `MARK-<lines>-<cksum>-<status>-`;
 *                a short packing (at most `inline` lines) is printed right above the marker.
 *   vp A B MARK  prints lines A..B of the packing and `MARK-<cksum of those lines>-`.
 * Every page is checked (alphabet, row widths, its own cksum) and read again when damaged; the whole
 * output is checked against the cksum of the file (gzip's CRC too). Nothing is guessed.
 */

/** Lines of a page: screen rows minus the typed line, the blank row, the marker, the prompt and one spare. */
export function pageLines(rows: number): number {
  return Math.max(3, rows - 5);
}

/** A packing this short is printed with the marker (no page round trip): leaves room for a 5-row typed line. */
export function inlineLines(rows: number): number {
  return Math.max(1, rows - 12);
}

/**
 * One line, typed once per shell. gzip missing: the plain output is base64-encoded (told apart by
 * gzip's magic bytes and checked by the same cksum). The EXIT trap removes the directory, which is
 * mktemp's or, without mktemp, /tmp/vr<pid of the shell>: never the home directory or anything given.
 */
export function helperDefinition(rows: number): string {
  return (
    `VRT=$(mktemp -d)||VRT=/tmp/vr$$;mkdir -p -m700 $VRT;VRO=$VRT/o;trap 'rm -rf $VRT' 0;` +
    `vf(){ s=$?;{ gzip -c<$VRO||cat $VRO;} 2>/dev/null|base64>$VRO.b;n=$(wc -l<$VRO.b);` +
    `[ $n -gt ${inlineLines(rows)} ]||cat $VRO.b;printf "\\n$1-$n-%s-$s-\\n" "$(cksum<$VRO)";};` +
    `vp(){ sed -n $1,$2p $VRO.b;printf "\\n$3-%s-\\n" "$(sed -n $1,$2p $VRO.b|cksum)";}`
  );
}

/** The marker vf prints after `prefix` (the caller's nonce, maybe with statuses): lines, cksum, status. */
export function packedMarker(prefix: string): RegExp {
  return new RegExp(`${prefix}-(\\d+)-(\\d+) (\\d+)-(\\d+)-`);
}

export interface Packed {
  /** base64 lines of the packing */
  lines: number;
  crc: number;
  size: number;
}

export function packedFrom(m: RegExpExecArray, first: number): Packed {
  return { lines: Number(m[first]), crc: Number(m[first + 1]), size: Number(m[first + 2]) };
}

/** What runs the page commands: the runner's own line typing and prompt (kept apart for tests). */
export interface PageShell {
  typeLine(line: string, opts: { signal?: AbortSignal }): Promise<void>;
  waitForPrompt(opts: { signal?: AbortSignal }): Promise<void>;
  interrupt(): Promise<void>;
  commands: number;
}

export interface FetchStats {
  pages: number;
  rereads: number;
}

const BASE64_ROW = /^[A-Za-z0-9+/=]+$/;
const READS_PER_PAGE = 3;

/**
 * Reads back the packed output of the command that just printed `packed`'s marker. `inlineShown`:
 * the packing was short enough to be printed above that marker (the screen holds it now).
 */
export async function fetchPacked(
  ch: ConsoleChannel,
  shell: PageShell,
  packed: Packed,
  markerRe: RegExp,
  opts: { signal?: AbortSignal; timeoutMs?: number; stats?: FetchStats } = {},
): Promise<Buffer> {
  const read = (): ScreenSnapshot => {
    const snap = ch.transport.readScreen?.();
    if (!snap) throw new RescueError('internal', { message: 'screen-only console without a screen' });
    return snap;
  };
  const rows: string[] = [];
  let inline = packed.lines <= inlineLines(read().rows) ? rowsAbove(read(), markerRe, packed.lines) : null;
  for (let attempt = 0; attempt < 2; attempt++) {
    rows.length = 0;
    if (inline) rows.push(...inline);
    else {
      const per = pageLines(read().rows);
      for (let a = 1; a <= packed.lines; a += per) {
        rows.push(...(await readPage(ch, shell, a, Math.min(packed.lines, a + per - 1), read, opts)));
      }
    }
    const data = unpack(rows, packed);
    if (data) return data;
    ch.note(`paged output: checksum mismatch over ${packed.lines} lines, reading it again`);
    inline = null;
  }
  throw new RescueError('console.output-unreadable', { lines: packed.lines });
}

async function readPage(
  ch: ConsoleChannel,
  shell: PageShell,
  a: number,
  b: number,
  read: () => ScreenSnapshot,
  opts: { signal?: AbortSignal; timeoutMs?: number; stats?: FetchStats },
): Promise<string[]> {
  for (let attempt = 1; attempt <= READS_PER_PAGE; attempt++) {
    const mark = nonce(8);
    await shell.typeLine(`vp ${a} ${b} ${mark}`, opts);
    ch.type('\r');
    shell.commands++;
    if (opts.stats) {
      opts.stats.pages++;
      if (attempt > 1) opts.stats.rereads++;
    }
    const re = new RegExp(`${mark}-(\\d+) (\\d+)-`);
    try {
      await ch.expect([{ name: 'page', re, filterKernel: true }], {
        timeoutMs: opts.timeoutMs ?? 30_000,
        waitingFor: `lines ${a}-${b} of the output`,
        signal: opts.signal,
      });
    } catch (err) {
      await shell.interrupt();
      throw err;
    }
    await shell.waitForPrompt(opts);
    const snap = read();
    const found = findMarker(snap, re);
    const got = found ? rowsAbove(snap, re, b - a + 1) : null;
    if (got && found && posixCksum(Buffer.from(`${got.join('\n')}\n`)) === Number(found[1])) return got;
    ch.note(
      `paged output: lines ${a}-${b} unreadable on the screen (attempt ${attempt}), reading them again`,
    );
  }
  throw new RescueError('console.output-unreadable', { lines: b - a + 1 });
}

function findMarker(snap: ScreenSnapshot, re: RegExp): RegExpExecArray | null {
  for (let r = snap.lines.length - 1; r >= 0; r--) {
    const m = re.exec(snap.lines[r]!);
    if (m) return m;
  }
  return null;
}

/**
 * The `count` rows above the blank row above the marker, if they all look like base64 rows of one
 * width (the last may be shorter). An unknown glyph (U+FFFD) or anything else fails the page.
 */
export function rowsAbove(snap: ScreenSnapshot, re: RegExp, count: number): string[] | null {
  let r = snap.lines.length - 1;
  while (r >= 0 && !re.test(snap.lines[r]!)) r--;
  if (r < 0) return null;
  if (count === 0) return [];
  if (snap.lines[r - 1]?.trim() !== '' || r - 1 - count < 0) return null;
  const rows = snap.lines.slice(r - 1 - count, r - 1).map((l) => l.trimEnd());
  const width = rows[0]!.length;
  const ok = rows.every(
    (l, i) =>
      BASE64_ROW.test(l) &&
      l.length <= snap.cols &&
      (i === rows.length - 1 ? l.length <= width : l.length === width),
  );
  return ok ? rows : null;
}

/** The output from its packed rows, or null when it does not match the file's cksum. */
export function unpack(rows: readonly string[], packed: Packed): Buffer | null {
  if (rows.length !== packed.lines) return null;
  const raw = Buffer.from(rows.join(''), 'base64');
  let data = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      data = gunzipSync(raw);
    } catch {
      return null;
    }
  }
  return data.length === packed.size && posixCksum(data) === packed.crc ? data : null;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** POSIX cksum: CRC-32 (0x04C11DB7, MSB first) over the data and then its length, inverted. */
export function posixCksum(data: Uint8Array): number {
  let crc = 0;
  const step = (byte: number) => {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  };
  for (const byte of data) step(byte);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

import { RescueError } from '../errors/rescue-error.js';

/**
 * The collector's framing (see collector.ts): `@@VR <nonce> BEGIN`, then sections
 * `@@VR <nonce> <seq> <tag> [args…] <lines>` each followed by exactly <lines> lines, then
 * `@@VR <nonce> END <sections>`. Anything that does not add up is rejected, never guessed at.
 */

export const MARK = '@@VR';

export interface Section {
  tag: string;
  args: string[];
  lines: string[];
}

/** The run's sections, in order; throws `diagnose.bad-output` (cut off) or `diagnose.rejected-output`. */
export function unframe(text: string, nonce?: string): { nonce: string; sections: Section[] } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const begins = lines.flatMap((l, i) => {
    const m = /^@@VR ([0-9a-z]{4,32}) BEGIN$/.exec(l);
    return m && (nonce === undefined || m[1] === nonce) ? [{ at: i, nonce: m[1] ?? '' }] : [];
  });
  if (begins.length === 0) throw new RescueError('diagnose.bad-output', { reason: 'no BEGIN marker' });
  if (begins.length > 1) reject('more than one BEGIN marker for this run');
  const run = begins[0]!;
  const head = `${MARK} ${run.nonce} `;
  const sections: Section[] = [];
  let i = run.at + 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined)
      throw new RescueError('diagnose.bad-output', { reason: 'output cut off before END' });
    if (!line.startsWith(head)) reject(`line ${i - run.at} is outside any section`);
    const words = line.slice(head.length).split(' ');
    if (words[0] === 'END') {
      if (words.length !== 2 || words[1] !== String(sections.length))
        reject(`END counts ${words[1] ?? '?'} sections, ${sections.length} arrived`);
      break;
    }
    const count = Number(words[words.length - 1]);
    if (words.length < 3 || words[0] !== String(sections.length + 1) || !/^\d+$/.test(words.at(-1) ?? ''))
      reject(`section header out of sequence: ${JSON.stringify(line.slice(0, 80))}`);
    const body = lines.slice(i + 1, i + 1 + count);
    if (body.length < count)
      throw new RescueError('diagnose.bad-output', { reason: 'output cut off in a section' });
    sections.push({ tag: words[1] ?? '', args: words.slice(2, -1), lines: body });
    i += 1 + count;
  }
  return { nonce: run.nonce, sections };
}

export function reject(reason: string): never {
  throw new RescueError('diagnose.rejected-output', { reason });
}

/** One `x` token (a name as hex bytes, no spaces) back to text; rejects anything else. */
export function hexToken(token: string | undefined): string {
  if (token === undefined || !/^([0-9a-f]{2})*$/.test(token)) reject('a name is not hex encoded');
  return Buffer.from(token, 'hex').toString('utf8');
}

/** `od -An -v -tx1` output back to bytes as text; rejects anything that is not a hex dump. */
export function hexDumpText(lines: string[]): string {
  const bytes: number[] = [];
  for (const l of lines) {
    for (const h of l.trim().split(/\s+/)) {
      if (h === '') continue;
      if (!/^[0-9a-f]{2}$/i.test(h)) reject('a hex dump holds something else');
      bytes.push(parseInt(h, 16));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `od -An -v -tx1` output back to lines (a final newline ends the last line, as with sed). */
export function decodeHexDump(lines: string[]): string[] {
  const text = hexDumpText(lines);
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** What `dirname` prints (coreutils and busybox agree), for checking a stat chain's order. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path.startsWith('/') ? '/' : '.';
  const cut = trimmed.replace(/[^/]+$/, '');
  if (cut === '') return '.';
  return cut.replace(/\/+$/, '') || '/';
}

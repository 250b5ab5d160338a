/**
 * Turning raw console output into text that patterns can be matched on: escape sequences and control
 * characters removed (also when a sequence is split across chunks), CR LF folded to LF, and kernel
 * messages that printk spliced into the middle of other output cut back out.
 */

const ESC = '\x1b';
/** A sequence longer than this is garbage, not a sequence still arriving. */
const MAX_PENDING = 256;

type Scan = { end: number } | 'incomplete';

/** Where the escape sequence starting at `i` ends (exclusive), or 'incomplete' if the text stops first. */
function scanEscape(s: string, i: number): Scan {
  const c0 = s[i];
  // 8-bit CSI (after UTF-8 decoding it is U+009B).
  if (c0 === '\x9b') return scanCsiBody(s, i + 1);
  const c1 = s[i + 1];
  if (c1 === undefined) return 'incomplete';
  if (c1 === '[') return scanCsiBody(s, i + 2);
  if (c1 === ']' || c1 === 'P' || c1 === 'X' || c1 === '^' || c1 === '_') {
    // String sequences end with BEL or ST (ESC \).
    for (let j = i + 2; j < s.length; j++) {
      if (s[j] === '\x07') return { end: j + 1 };
      // Real string sequences never span lines: this ESC was noise (binary output); drop only it.
      if (s[j] === '\n') return { end: i + 1 };
      if (s[j] === ESC) {
        if (s[j + 1] === undefined) return 'incomplete';
        if (s[j + 1] === '\\') return { end: j + 2 };
      }
    }
    return 'incomplete';
  }
  // ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E (ESC ( B, ESC =, ESC 7, ...).
  let j = i + 1;
  while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
  if (j >= s.length) return 'incomplete';
  const final = s.charCodeAt(j);
  // No valid final byte: drop only the ESC, so noise cannot swallow the text after it.
  if (final < 0x30 || final > 0x7e) return { end: i + 1 };
  return { end: j + 1 };
}

function scanCsiBody(s: string, start: number): Scan {
  for (let j = start; j < s.length; j++) {
    const code = s.charCodeAt(j);
    if (code >= 0x40 && code <= 0x7e) return { end: j + 1 };
    if (code < 0x20 || code > 0x3f) {
      // Not a parameter/intermediate byte: a broken sequence; end it here and keep the byte as text.
      if (code < 0x20 || code > 0x2f) return { end: j };
    }
  }
  return 'incomplete';
}

function isDroppedControl(code: number): boolean {
  // Keep LF and TAB; drop the other C0 controls, DEL and C1 controls.
  if (code === 0x0a || code === 0x09) return false;
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
}

/** Stateful stripper for a stream: a sequence split across chunks is held back until complete. */
export class AnsiStripper {
  private pending = '';

  push(chunk: string): string {
    const s = this.pending + chunk;
    this.pending = '';
    let out = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === ESC || ch === '\x9b') {
        const scan = scanEscape(s, i);
        if (scan === 'incomplete') {
          if (s.length - i <= MAX_PENDING) {
            this.pending = s.slice(i);
            return out;
          }
          i++; // garbage: drop the lone ESC and go on
          continue;
        }
        i = scan.end;
        continue;
      }
      if (!isDroppedControl(ch.charCodeAt(0))) out += ch;
      i++;
    }
    return out;
  }
}

export function stripAnsi(text: string): string {
  return new AnsiStripper().push(text);
}

/**
 * printk output as it lands on a console: `[  123.456789] text` up to the end of its line. The kernel
 * does not know the console's column, so the message can start in the middle of another line.
 */
const KERNEL_MESSAGE = /\[ {0,6}\d{1,7}\.\d{6}\] [^\n]*\n/g;

export interface FilteredText {
  text: string;
  /** Index in the original text of index `i` of the filtered text. */
  toRaw(i: number): number;
}

export function removeKernelMessages(text: string): FilteredText {
  const removed: Array<{ at: number; length: number }> = [];
  const filtered = text.replace(KERNEL_MESSAGE, (match: string, offset: number) => {
    removed.push({ at: offset, length: match.length });
    return '';
  });
  return {
    text: filtered,
    toRaw(i: number): number {
      let raw = i;
      for (const r of removed) {
        if (r.at <= raw) raw += r.length;
        else break;
      }
      return raw;
    },
  };
}

/** A string as a regex that matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Finds `needle` in `text` ignoring all whitespace on both sides: a typed line's echo may have line
 * breaks or padding inserted where the terminal wrapped it. Returns a regex-like match over `text`.
 */
export function findIgnoringWhitespace(needle: string, text: string): RegExpExecArray | null {
  const want = needle.replace(/\s+/g, '');
  if (want === '') return null;
  const positions: number[] = [];
  let squeezed = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) continue;
    squeezed += ch;
    positions.push(i);
  }
  const at = squeezed.indexOf(want);
  if (at < 0) return null;
  const start = positions[at]!;
  const end = positions[at + want.length - 1]! + 1;
  const match = [text.slice(start, end)] as unknown as RegExpExecArray;
  match.index = start;
  match.input = text;
  return match;
}

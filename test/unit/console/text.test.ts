import { describe, expect, it } from 'vitest';
import {
  AnsiStripper,
  findIgnoringWhitespace,
  removeKernelMessages,
  stripAnsi,
} from '../../../src/console/text.js';
import { StreamBuffer } from '../../../src/console/stream-buffer.js';

describe('AnsiStripper', () => {
  it('removes CSI, OSC, charset and bracketed-paste sequences and CRs', () => {
    expect(stripAnsi('\x1b[?2004halice@web01:~$ \x1b]0;title\x07ls\r\n\x1b(Bok\x1b[0m')).toBe(
      'alice@web01:~$ ls\nok',
    );
  });

  it('holds a sequence split across chunks until it is complete', () => {
    const s = new AnsiStripper();
    expect(s.push('abc\x1b[3')).toBe('abc');
    expect(s.push('1mred\x1b')).toBe('red');
    expect(s.push('[0mdone')).toBe('done');
  });

  it('noise cannot swallow the text after a stray ESC', () => {
    expect(stripAnsi('bin\x1b]garbage\nMARK-0-\n')).toBe('bin]garbage\nMARK-0-\n');
    expect(stripAnsi('x\x1b\nMARK')).toBe('x\nMARK');
    expect(stripAnsi('x\x1b[12\nMARK')).toBe('x\nMARK');
  });
});

describe('removeKernelMessages', () => {
  it('cuts a printk line spliced into the middle of another line and maps indexes back', () => {
    const raw = 'hello wo[  123.456789] eth0: link up\nrld\nnext';
    const f = removeKernelMessages(raw);
    expect(f.text).toBe('hello world\nnext');
    const i = f.text.indexOf('rld');
    expect(raw.slice(f.toRaw(i), f.toRaw(i) + 3)).toBe('rld');
  });
});

describe('findIgnoringWhitespace', () => {
  it('finds a typed line whose echo was wrapped', () => {
    const m = findIgnoringWhitespace('echo abc def', 'prompt$ echo ab\nc def');
    expect(m?.index).toBe(8);
    expect(findIgnoringWhitespace('echo abd', 'echo abc')).toBeNull();
  });
});

describe('StreamBuffer', () => {
  it('decodes UTF-8 split across chunks and replaces invalid bytes', () => {
    const b = new StreamBuffer();
    const bytes = Buffer.from('日本語', 'utf8');
    b.push(bytes.subarray(0, 4));
    b.push(Buffer.concat([bytes.subarray(4), Buffer.from([0xff, 0xfe, 0x41])]));
    expect(b.pending).toBe('日本語\ufffd\ufffdA');
  });

  it('matches a pattern split across chunks after earlier misses (carry-over)', () => {
    const b = new StreamBuffer();
    b.push(Buffer.from('x'.repeat(5000) + 'MAR'));
    expect(b.find(/MARK-(\d+)-/)).toBeUndefined();
    b.markSearched();
    b.push(Buffer.from('K-3-\n'));
    const m = b.find(/MARK-(\d+)-/);
    expect(m?.match[1]).toBe('3');
    b.consume(m!.end);
    expect(b.pending).toBe('\n');
  });

  it('with kernel filtering, a printk splice neither hides nor fakes a marker', () => {
    const b = new StreamBuffer();
    b.push(Buffer.from('out\nMAR[   12.000001] MARK-9- fake\nK-0-\n'));
    const m = b.find(/MARK-(\d+)-/, { filterKernel: true });
    expect(m?.match[1]).toBe('0');
    expect(m?.before).toBe('out\n');
  });
});

import { PassThrough, Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../src/console/expect.js';
import { LOGIN_PATTERNS } from '../../../src/console/prompts.js';
import { passthrough } from '../../../src/console/passthrough.js';
import { StreamBuffer } from '../../../src/console/stream-buffer.js';
import { StreamTransport } from '../../../src/console/transport/local.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';

function pair() {
  const toClient = new PassThrough();
  const fromClient = new PassThrough();
  const typed: string[] = [];
  fromClient.on('data', (d: Buffer) => typed.push(d.toString()));
  const transport = new StreamTransport(Duplex.from({ readable: toClient, writable: fromClient }), 'test');
  return { toClient, typed, transport };
}

const channels: ConsoleChannel[] = [];
afterEach(async () => {
  for (const ch of channels.splice(0)) await ch.close();
});

describe('expect', () => {
  it('on a stall types Enter once, then gives up with the last screen in the error', async () => {
    const { toClient, typed, transport } = pair();
    const ch = new ConsoleChannel(transport);
    channels.push(ch);
    toClient.write('booting...\r\n[  OK  ] Reached target');
    const err = await ch
      .expect([{ name: 'login', re: /login: $/ }], { timeoutMs: 5000, stallMs: 150, waitingFor: 'login' })
      .catch((e: unknown) => e);
    expect(typed).toEqual(['\r']);
    expect(isRescueError(err) && err.code).toBe('console.timeout');
    expect(isRescueError(err) && String(err.params.screen)).toContain('Reached target');
  });

  it('honours an AbortSignal and reports a closed console', async () => {
    const a = pair();
    const ch = new ConsoleChannel(a.transport);
    channels.push(ch);
    const controller = new AbortController();
    const waiting = ch.expect([{ name: 'x', re: /never/ }], {
      timeoutMs: 5000,
      waitingFor: 'x',
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    const closing = ch.expect([{ name: 'x', re: /never/ }], { timeoutMs: 5000, waitingFor: 'x' });
    a.toClient.end();
    const err = await closing.catch((e: unknown) => e);
    expect(isRescueError(err) && err.code).toBe('console.closed');
  });

  it('the earliest match wins: Login incorrect before the next login prompt', async () => {
    const { toClient, transport } = pair();
    const ch = new ConsoleChannel(transport);
    channels.push(ch);
    toClient.write('\r\nLogin incorrect\r\nweb01 login: ');
    expect((await ch.expect(LOGIN_PATTERNS, { timeoutMs: 1000, waitingFor: 'x' })).name).toBe('incorrect');
    expect((await ch.expect(LOGIN_PATTERNS, { timeoutMs: 1000, waitingFor: 'x' })).name).toBe('login');
  });
});

/** Deterministic noise: printable text, control bytes, escape sequences (some cut), fake markers, invalid UTF-8. */
function noise(seed: number, length: number): Buffer {
  let x = seed || 1;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
  const pieces = [
    '\x1b[31m',
    '\x1b[?2004h',
    '\x1b]0;t\x07',
    '\x1b[',
    '\x1b',
    '\x9b',
    '\r\n',
    '\r',
    '\b',
    '\x00',
    'MARK-',
    'MARK-$?-',
    'MARK--1-',
    'MARK-x-',
    '[  1.000001] k\r\n',
    '$ ',
    '# ',
    'login: ',
    'Password: ',
  ];
  const out: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const r = rnd();
    let b: Buffer;
    if (r < 0.4) b = Buffer.from(pieces[Math.floor(rnd() * pieces.length)]!, 'latin1');
    else if (r < 0.6) b = Buffer.from([Math.floor(rnd() * 256)]);
    else b = Buffer.from(String.fromCharCode(32 + Math.floor(rnd() * 95)));
    out.push(b);
    size += b.length;
  }
  return Buffer.concat(out);
}

describe('marker parser fuzz', () => {
  it('random noise and escape sequences: no crash, no false marker; a real marker after noise is found', () => {
    const marker = /QzX9k2-(\d+)-/;
    for (let seed = 1; seed <= 300; seed++) {
      const b = new StreamBuffer();
      const data = noise(seed, 400 + (seed % 7) * 300);
      for (let i = 0; i < data.length; i += 1 + (seed % 13)) {
        b.push(data.subarray(i, i + 1 + (seed % 13)));
        expect(b.find(marker, { filterKernel: true })).toBeUndefined();
      }
      // The typed line's echo (with $?) right before the real output must not match either.
      b.push(Buffer.from('cmd;printf "\\nQzX9k2-$?-\\n"\r\n'));
      expect(b.find(marker, { filterKernel: true })).toBeUndefined();
      b.push(Buffer.from(`\r\nQzX9k2-${seed % 256}-\r\n`));
      expect(b.find(marker, { filterKernel: true })?.match[1]).toBe(String(seed % 256));
    }
  });
});

describe('passthrough', () => {
  it('forwards keystrokes and console bytes until the escape key (Ctrl-])', async () => {
    const { toClient, typed, transport } = pair();
    const input = new PassThrough();
    const output = new PassThrough();
    const shown: string[] = [];
    output.on('data', (d: Buffer) => shown.push(d.toString()));
    const done = passthrough(transport, { input, output });
    toClient.write('web01 login: ');
    input.write('root\r');
    await new Promise((resolve) => setTimeout(resolve, 20));
    input.write(Buffer.from('ls\x1dignored'));
    expect(await done).toEqual({ by: 'escape' });
    expect(typed.join('')).toBe('root\rls');
    expect(shown.join('')).toBe('web01 login: ');
    await transport.close();
  });
});

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../src/console/expect.js';
import { LOGIN_PATTERNS, PASSWORD_PROMPT } from '../../../src/console/prompts.js';
import { Screen } from '../../../src/console/screen.js';
import { StreamBuffer } from '../../../src/console/stream-buffer.js';
import { removeKernelMessages } from '../../../src/console/text.js';
import {
  FIXTURE_DIR,
  loadFixtures,
  ReplayTransport,
  rxBytes,
  type Fixture,
  type StreamEvent,
} from './replay-transport.js';

/**
 * The console engine's parsing layers (prompt classification, stream buffer, kernel-message filter,
 * screen) on bytes recorded from real lab servers (test/lab/console-capture.ts): real systemd boot
 * output with colours and odd line endings, real agetty and login(1), real bash.
 */
const boots = loadFixtures('boot');
const kernels = loadFixtures('kernel-interleaved');
const wrongs = loadFixtures('login-wrong-then-right');

/** Committed recordings: all three lab suites were cached when they were captured. */
const SUITES_EXPECTED = ['bookworm', 'bullseye', 'trixie'];

/** The stream as StreamBuffer decodes it (escapes stripped, CRs dropped). */
function streamText(chunks: readonly Buffer[]): string {
  const buffer = new StreamBuffer();
  for (const chunk of chunks) buffer.push(chunk);
  return buffer.pending;
}

async function classify(events: readonly StreamEvent[]) {
  const transport = new ReplayTransport(events.filter((e) => e.dir === 'rx'));
  const ch = new ConsoleChannel(transport);
  try {
    const r = await ch.expect(LOGIN_PATTERNS, { timeoutMs: 5000, waitingFor: 'a prompt' });
    return { name: r.name, match: r.match[0], chunksLeft: transport.remaining };
  } finally {
    await ch.close();
  }
}

describe('recorded console streams: fixtures are present and small', () => {
  it('every suite captured has all five recordings, each < 60 KB, < 300 KB in all', () => {
    const all = loadFixtures();
    const suites = [...new Set(all.map((f) => f.header.suite))];
    for (const suite of SUITES_EXPECTED) expect(suites).toContain(suite);
    for (const suite of suites) {
      const kinds = all.filter((f) => f.header.suite === suite).map((f) => f.header.kind);
      expect(kinds.sort()).toEqual(
        ['boot', 'kernel-interleaved', 'login-alice-sudo', 'login-root', 'login-wrong-then-right'].sort(),
      );
    }
    const sizes = all.map((f) => statSync(join(FIXTURE_DIR, f.file)).size);
    for (const size of sizes) expect(size).toBeLessThan(60_000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(300_000);
  });
});

describe.each(boots.map((f): [string, Fixture] => [f.header.suite, f]))('boot of %s', (_suite, boot) => {
  it('the login detector classifies the boot as "login" only once the last chunk is in', async () => {
    const r = await classify(boot.events);
    expect(r.name).toBe('login');
    expect(r.match).toMatch(/vps login: $/);
    // Matched on the final chunk: nothing earlier in the boot looked like a prompt of any kind.
    expect(r.chunksLeft).toBe(0);
  });

  it('"login: " occurs exactly once, at the very end, and no prefix of the boot ends in a Password: prompt', () => {
    const chunks = boot.events.map((e) => e.data);
    const text = streamText(chunks);
    expect(text.match(/login: /g)).toHaveLength(1);
    expect(text.endsWith('vps login: ')).toBe(true);
    const buffer = new StreamBuffer();
    for (const chunk of chunks) {
      buffer.push(chunk);
      expect(buffer.find(PASSWORD_PROMPT, { filterKernel: true })).toBeUndefined();
    }
    // Boot lines carry systemd's colours: none survive into the text the patterns see.
    expect(rxBytes(boot).includes('\x1b[0;32m')).toBe(true);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('[  OK  ] Started ');
  });

  it('the rendered screen ends with the getty banner and the cursor on `vps login: `', async () => {
    const screen = new Screen();
    for (const e of boot.events) void screen.write(e.data);
    await screen.settled();
    const lines = screen.lines();
    expect(lines.at(-1)).toBe('vps login: ');
    expect(lines.at(-3)).toMatch(/^Debian GNU\/Linux \d+ vps /);
    expect(screen.cursorLine()).toBe('vps login: ');
    expect(screen.summary(1)).toBe('vps login:');
    screen.dispose();
  });
});

describe.each(wrongs.map((f): [string, Fixture] => [f.header.suite, f]))('wrong password on %s', (_s, f) => {
  it('what login(1) answers to the wrong password is classified "incorrect", before its login: prompt', async () => {
    const wrong = String(f.header.meta.wrongPassword);
    const at = f.events.findIndex((e) => e.dir === 'tx' && e.data.toString() === `${wrong}\r`);
    expect(at).toBeGreaterThan(0);
    const nextTx = f.events.findIndex((e, i) => i > at && e.dir === 'tx');
    const answer = f.events.slice(at + 1, nextTx);
    expect(streamText(answer.map((e) => e.data))).toContain('Login incorrect');
    const r = await classify(answer);
    expect(r.name).toBe('incorrect');
  });

  it('what came before the wrong password was a Password: prompt right after the echoed user name', async () => {
    const at = f.events.findIndex((e) => e.dir === 'tx' && e.data.toString() === 'root\r');
    const nextTx = f.events.findIndex((e, i) => i > at && e.dir === 'tx');
    const r = await classify(f.events.slice(at + 1, nextTx));
    expect(r.name).toBe('password');
  });
});

describe.each(kernels.map((f): [string, Fixture] => [f.header.suite, f]))('printk lines on %s', (_s, f) => {
  const injected = f.header.meta.injected as string[];

  it('the kernel-message filter removes exactly the injected lines and nothing else', () => {
    const raw = streamText(f.events.filter((e) => e.dir === 'rx').map((e) => e.data));
    for (const line of injected) expect(raw.split(line)).toHaveLength(2);
    let expected = raw;
    for (const line of injected) expected = expected.replace(`${line}\n`, '');
    const filtered = removeKernelMessages(raw).text;
    expect(filtered).toBe(expected);
    expect(filtered.length).toBe(raw.length - injected.reduce((n, l) => n + l.length + 1, 0));
    for (let i = 1; i <= 6; i++) expect(filtered).toContain(`\nout-${i}\n`);
    // The last line was spliced into the middle of `part-a`…`part-b`: the filter joins them again.
    expect(raw).toContain(`part-a${injected.at(-1)}\n`);
    expect(filtered).toContain('part-apart-b\n');
  });

  it('the filtered view maps back to the raw text: toRaw() of every char points at the same char', () => {
    const raw = streamText(f.events.filter((e) => e.dir === 'rx').map((e) => e.data));
    const view = removeKernelMessages(raw);
    for (let i = 0; i < view.text.length; i++) expect(raw[view.toRaw(i)]).toBe(view.text[i]);
  });
});

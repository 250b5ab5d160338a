import { Duplex, PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleChannel, CURSOR_QUIET_MS } from '../../../src/console/expect.js';
import { SHELL_PROMPT, shellPrompts } from '../../../src/console/prompts.js';
import { StreamTransport } from '../../../src/console/transport/local.js';
import { errorCodeOf } from '../../support/error-code.js';

/**
 * zsh draws a right-hand prompt after the prompt (cursor forward, the text, cursor back), so the
 * stream ends with the right-hand text, not with `% `. The line the cursor waits on, up to the
 * cursor, still ends with the prompt once the console is quiet.
 */
const channels: ConsoleChannel[] = [];
afterEach(async () => {
  for (const ch of channels.splice(0)) await ch.close();
});

function channel(): { ch: ConsoleChannel; toClient: PassThrough } {
  const toClient = new PassThrough();
  const transport = new StreamTransport(
    Duplex.from({ readable: toClient, writable: new PassThrough() }),
    'test',
  );
  const ch = new ConsoleChannel(transport);
  channels.push(ch);
  return { ch, toClient };
}

const RIGHT_PROMPT = 'erin@zsh01 ~ % \x1b[50C[0] 11:31\x1b[59D';

describe('a shell prompt with a right-hand prompt', () => {
  it('the stream alone does not see it; the cursor line does, once the console is quiet', async () => {
    const stream = channel();
    stream.toClient.write(`Last login: today\r\n${RIGHT_PROMPT}`);
    const streamOnly = stream.ch.expect([{ name: 'shell', re: SHELL_PROMPT, filterKernel: true }], {
      timeoutMs: CURSOR_QUIET_MS + 500,
      waitingFor: 'a shell',
    });
    expect(await errorCodeOf(streamOnly)).toBe('console.timeout');

    const both = channel();
    both.toClient.write(`Last login: today\r\n${RIGHT_PROMPT}`);
    const started = Date.now();
    const r = await both.ch.expect(shellPrompts(), { timeoutMs: 5000, waitingFor: 'a shell' });
    expect(r.name).toBe('shell');
    expect(r.match[0]).toBe('\nerin@zsh01 ~ % ');
    expect(Date.now() - started).toBeGreaterThanOrEqual(CURSOR_QUIET_MS - 50);
  });

  it('output still arriving is not taken for a prompt: the cursor line counts only after the quiet time', async () => {
    const { ch, toClient } = channel();
    const pending = ch.expect(shellPrompts(), { timeoutMs: 5000, waitingFor: 'a shell' });
    // A progress line whose cursor sits right after `42% ` keeps being redrawn: never quiet long enough.
    const ticker = setInterval(() => toClient.write('\rcopying 42%  (eta 3s)\x1b[9D'), CURSOR_QUIET_MS / 4);
    await new Promise((resolve) => setTimeout(resolve, CURSOR_QUIET_MS * 2));
    clearInterval(ticker);
    toClient.write(`\r\n${RIGHT_PROMPT}`);
    const r = await pending;
    expect(r.match[0]).toBe('\nerin@zsh01 ~ % ');
  });
});

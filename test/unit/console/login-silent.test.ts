import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../src/console/expect.js';
import { loginOnConsole } from '../../../src/console/login.js';
import { Transcript } from '../../../src/console/transcript.js';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { errorCodeOf } from '../../support/error-code.js';
import { fakeGetty } from './helpers.js';

/*
 * A console whose getty is restarting (right after someone logged out): nothing comes back and what
 * is typed is lost until the new getty prints its prompt by itself. The login keeps waking it a few
 * times before it calls the console silent. Stalls are shortened to 100 ms here (5 s by default).
 */

const PW = 'CANARY-pw-silent-42';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  clearSecretsForTest();
});

function restartingGetty(restartingForMs: number) {
  const getty = fakeGetty({ users: { alice: PW }, shell: 'bash --norc --noprofile -i', restartingForMs });
  const transcript = new Transcript();
  const ch = new ConsoleChannel(getty.transport(), transcript);
  cleanups.push(
    () => ch.close(),
    () => getty.kill(),
  );
  return { ch, transcript, getty };
}

describe('a console that says nothing at first', () => {
  it('is woken again while its getty restarts, and the login goes on once the prompt comes', async () => {
    // Two stalls (a nudge, then the end of one wait) pass before this getty is back.
    const { ch, transcript, getty } = restartingGetty(450);
    const r = await loginOnConsole(ch, { user: 'alice', password: PW, stallMs: 100 });
    expect(r.userAttempts).toBe(1);
    expect(getty.passwordsSeen).toEqual([PW]);
    expect(transcript.text()).toContain('the console has said nothing yet: waking it again');
  });

  it('is called silent after a bounded number of wake-ups, well before the login timeout', async () => {
    const { ch, transcript } = restartingGetty(Infinity);
    const started = Date.now();
    expect(await errorCodeOf(loginOnConsole(ch, { user: 'alice', password: PW, stallMs: 100 }))).toBe(
      'console.no-prompt',
    );
    // Three waits of two stalls each: the first, and two wake-ups.
    expect(transcript.text().match(/the console has said nothing yet/g)).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../src/console/expect.js';
import { loginOnConsole } from '../../../src/console/login.js';
import { Transcript } from '../../../src/console/transcript.js';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { loadFixtures, ReplayTransport, type Fixture, type StreamEvent } from './replay-transport.js';
import { errorCodeOf } from '../../support/error-code.js';

/**
 * The login state machine (login.ts) alone, replayed against real agetty + login(1) output up to the
 * first shell prompt: no nonces involved, so these hold whatever the command runner types later.
 */
afterEach(() => clearSecretsForTest());

/** The recording up to (not including) the runner's first typed line, i.e. up to the shell prompt. */
function untilShell(f: Fixture): StreamEvent[] {
  // The runner's setup line: `stty …` first in older recordings, `unset HISTFILE;…stty …` now.
  const end = f.events.findIndex(
    (e) => e.dir === 'tx' && /^(?:unset HISTFILE[^\n]*?)?stty rows /.test(e.data.toString()),
  );
  expect(end).toBeGreaterThan(0);
  return f.events.slice(0, end);
}

const typedOf = (events: readonly StreamEvent[]) =>
  Buffer.concat(events.filter((e) => e.dir === 'tx').map((e) => e.data)).toString('utf8');

const LOGIN_KINDS = ['login-root', 'login-alice-sudo', 'kernel-interleaved', 'login-wrong-then-right'];
const logins = loadFixtures().filter((f) => LOGIN_KINDS.includes(f.header.kind));

describe.each(logins.map((f): [string, Fixture] => [f.file, f]))('login state machine on %s', (_file, f) => {
  it('types Enter, the user at login:, the password at Password:, and stops at the real shell prompt', async () => {
    const { user, password, wrongPassword } = f.header.meta as Record<string, string>;
    const events = untilShell(f);
    const transport = new ReplayTransport(events);
    const transcript = new Transcript();
    const ch = new ConsoleChannel(transport, transcript);
    if (wrongPassword) {
      expect(await errorCodeOf(loginOnConsole(ch, { user: user!, password: wrongPassword }))).toBe(
        'console.login-failed',
      );
    }
    const r = await loginOnConsole(ch, { user: user!, password: password! });
    expect(r).toEqual({ loggedOut: [], userAttempts: 1 });
    expect(transport.divergence).toBeUndefined();
    expect(transport.remaining).toBe(0);
    expect(Buffer.concat(transport.typed).toString('utf8')).toBe(typedOf(events));
    // What the shell prompt looked like on that suite: `root@vps:~# ` or `alice@vps:~$ `.
    await ch.screen.settled();
    expect(ch.screen.cursorLine()).toBe(user === 'root' ? 'root@vps:~# ' : `${user}@vps:~$ `);
    expect(transcript.text()).not.toContain(password);
    if (wrongPassword) expect(transcript.text()).not.toContain(wrongPassword);
    await ch.close();
  });
});

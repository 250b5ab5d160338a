import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { ConsoleSession } from '../../../src/console/session.js';
import { loadFixtures, recordedNonces, ReplayTransport, txText, type Fixture } from './replay-transport.js';
import { errorCodeOf } from '../../support/error-code.js';

/**
 * Whole ConsoleSession runs (login, wrong password, sudo, a command with printk lines) replayed
 * against what real lab servers answered. The engine's prompt and markers are random nonces, and
 * src/console/prompts.ts has no seed, so the module's nonce() is replaced here by the nonces the
 * recording used, in order; everything else is the engine's own code. The replay checks every
 * keystroke against the recording, so the engine must type exactly what it typed on the real server.
 */
const nonces = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('../../../src/console/prompts.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/console/prompts.js')>();
  return {
    ...real,
    nonce: (length = 6): string => {
      const next = nonces.queue.shift();
      if (next === undefined || next.length !== length) throw new Error(`no recorded nonce of ${length}`);
      return next;
    },
  };
});

afterEach(() => {
  nonces.queue = [];
  clearSecretsForTest();
});

async function replay(f: Fixture, body: (s: ConsoleSession) => Promise<unknown>) {
  nonces.queue = recordedNonces(f);
  const transport = new ReplayTransport(f.events);
  const session = await ConsoleSession.open(async () => transport);
  const result = await body(session);
  await session.close({ logout: true });
  return { result, transport, transcript: session.transcript.text() };
}

/**
 * The engine typed exactly what it typed on the real server, all of it. What is left of the recording
 * is getty coming back after our shell said "logout", which the engine no longer waits for.
 */
function expectFaithful(f: Fixture, r: Awaited<ReturnType<typeof replay>>) {
  expect(r.transport.divergence).toBeUndefined();
  expect(r.transport.remainingTyped).toBe(0);
  expect(r.transport.remaining).toBeLessThan(f.events.length);
  expect(Buffer.concat(r.transport.typed).toString('utf8')).toBe(txText(f));
  expect(nonces.queue).toEqual([]);
}

/**
 * Recordings made by the current engine (its setup line turns history off first). Older ones stay for
 * the login state machine (replay-login) until they are captured again on a machine with that suite's
 * image; at least the default suite's must be current.
 */
const current = (f: Fixture) =>
  txText(f).includes('unset HISTFILE RPROMPT RPS1;[ -n "$BASH_VERSION" ]&&set +o history;');
const cases = (kind: string) => {
  const found = loadFixtures(kind).filter(current);
  if (!found.some((f) => f.header.suite === 'bookworm')) throw new Error(`no current ${kind} recording`);
  return found.map((f): [string, Fixture] => [f.header.suite, f]);
};

describe.each(cases('login-root'))('replayed root login on %s', (_suite, f) => {
  it('reaches a root shell (uid 0) and logs out to getty; the password only as *** in the transcript', async () => {
    const password = String(f.header.meta.password);
    const r = await replay(f, (s) => s.login({ user: 'root', password }));
    expect(r.result).toMatchObject({ loggedOut: [], uid: 0, shell: f.header.meta.shell });
    expectFaithful(f, r);
    expect(txText(f).split(`${password}\r`)).toHaveLength(2);
    expect(r.transcript).toContain('***');
    expect(r.transcript).not.toContain(password);
  });
});

describe.each(cases('login-wrong-then-right'))('replayed wrong password on %s', (_suite, f) => {
  it('the wrong password is console.login-failed, the right one then gives a root shell', async () => {
    const { wrongPassword, password } = f.header.meta as Record<string, string>;
    expect(f.header.meta.first).toBe('console.login-failed');
    const r = await replay(f, async (s) => {
      const first = await errorCodeOf(s.login({ user: 'root', password: wrongPassword! }));
      const second = await s.login({ user: 'root', password: password! });
      return { first, second };
    });
    expect(r.result).toMatchObject({ first: 'console.login-failed', second: { uid: 0 } });
    expectFaithful(f, r);
    // After "Login incorrect" getty's prompt was answered directly: no empty user name typed.
    expect(txText(f)).toMatch(new RegExp(`^\\rroot\\r${wrongPassword}\\rroot\\r${password}\\r`));
  });
});

describe.each(cases('login-alice-sudo'))('replayed alice + sudo on %s', (_suite, f) => {
  it('logs in as alice, answers only sudo`s own prompt with her password, ends as uid 0', async () => {
    const password = String(f.header.meta.password);
    const r = await replay(f, (s) => s.login({ user: 'alice', password }));
    expect(r.result).toMatchObject({ loggedOut: [], uid: 0 });
    expectFaithful(f, r);
    // Typed twice: at login's Password: and at the sudo prompt we named (sudo -p '<nonce>: ').
    expect(txText(f).split(`${password}\r`)).toHaveLength(3);
    expect(txText(f)).toMatch(/sudo -p 'Q\w\w''\w+: ' -i/);
    expect(r.transcript).not.toContain(password);
  });
});

describe.each(cases('kernel-interleaved'))('replayed command with printk lines on %s', (_suite, f) => {
  it('run() returns the command output without the injected lines, as on the real server', async () => {
    const { password, command } = f.header.meta as Record<string, string>;
    const injected = f.header.meta.injected as string[];
    const r = await replay(f, async (s) => {
      await s.login({ user: 'root', password: password! });
      return s.run(command!);
    });
    expect(r.result).toEqual(f.header.meta.result);
    expect(r.result).toEqual({
      stdout: 'out-1\nout-2\nout-3\nout-4\nout-5\nout-6\npart-apart-b\n',
      exitCode: 0,
    });
    expectFaithful(f, r);
    // The transcript keeps them: they are evidence of what the console showed.
    for (const line of injected) expect(r.transcript).toContain(line);
  });
});

import { RescueError } from '../errors/rescue-error.js';
import type { ConsoleChannel } from './expect.js';
import { LOGIN_PROMPT, nonce, shellPrompts } from './prompts.js';

/** Who a shell found on the console belongs to, as the shell itself printed it behind a fresh nonce. */
export interface FoundShell {
  uid?: number;
  user?: string;
}

/** Shells stacked on one console (sudo on su on a login shell...): more than this and we give up. */
export const MAX_SHELL_LEVELS = 5;

/**
 * Asks a shell that someone left on the console who it runs as. The answer only counts when it
 * carries the nonce followed by digits, which the echo of the typed line cannot show (it shows
 * `"$(id -u)"` there). It is a note for the transcript and the report: whatever the answer, the
 * shell is logged out, because a shell we did not open may have been prepared to catch what is typed.
 */
export async function identifyShell(
  ch: ConsoleChannel,
  opts: { signal?: AbortSignal } = {},
): Promise<FoundShell> {
  const mark = nonce(8);
  ch.buffer.consume();
  ch.type(`\x15printf '%s:%s:%s:\\n' ${mark} "$(id -u)" "$(id -un)"\r`);
  const r = await ch
    .expect([{ name: 'id', re: new RegExp(`${mark}:(\\d+):([\\w.$-]*):`), filterKernel: true }], {
      timeoutMs: 10_000,
      waitingFor: 'the identity of the shell left on the console',
      signal: opts.signal,
    })
    .catch((err: unknown) => {
      if (opts.signal?.aborted) throw err;
      return undefined;
    });
  if (!r) return {};
  return { uid: Number(r.match[1]), user: r.match[2] || undefined };
}

/**
 * Types `exit` until getty's login prompt shows, one shell level at a time (bounded). `knownDepth`:
 * how many shells we opened ourselves — after the last one's own "logout" getty takes a second or
 * more to come back, and nothing of ours is left on the console by then. Throws
 * console.logout-failed when the console still shows a shell after MAX_SHELL_LEVELS exits.
 */
export async function leaveShells(
  ch: ConsoleChannel,
  opts: { knownDepth?: number; ours?: boolean; signal?: AbortSignal } = {},
): Promise<'login' | 'logout'> {
  // A shell of ours writes no history file on the way out (one cut before its setup would); a
  // shell someone else left keeps its own history, as its own logout would.
  const exit = opts.ours ? 'unset HISTFILE;exit' : 'exit';
  for (let level = 0; level < MAX_SHELL_LEVELS; level++) {
    ch.buffer.consume();
    // ^U first: a half-typed line would otherwise turn `exit` into part of something else.
    ch.type(`\x15${exit}\r`);
    const last = opts.knownDepth !== undefined && level === opts.knownDepth - 1;
    const r = await ch
      .expect(
        [
          { name: 'login', re: LOGIN_PROMPT, filterKernel: true },
          ...shellPrompts(),
          ...(last ? [{ name: 'logout', re: /(?:^|\n)logout\r?\n/, filterKernel: true }] : []),
        ],
        { timeoutMs: 15_000, stallMs: 6000, waitingFor: 'logout', signal: opts.signal },
      )
      .catch((err: unknown) => {
        if (opts.signal?.aborted || ch.closed) throw err;
        return undefined;
      });
    if (r?.name === 'login' || r?.name === 'logout') return r.name;
    if (!r) {
      // Nothing answered (a slow getty restart, or a program that is not a shell): one more look
      // for the login prompt without typing, then the next `exit`.
      await ch.screen.settled();
      if (LOGIN_PROMPT.test(`\n${ch.screen.cursorLine()}`)) return 'login';
    }
  }
  throw new RescueError('console.logout-failed', { levels: MAX_SHELL_LEVELS, screen: ch.screen.summary() });
}

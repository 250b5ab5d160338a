import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import type { ConsoleChannel, ExpectResult } from './expect.js';
import {
  LOGIN_PATTERNS,
  LOGIN_PROMPT,
  PASSWORD_PROMPT,
  refusalOf,
  shellPrompts,
  REFUSAL_PATTERNS,
  type Refusal,
} from './prompts.js';
import { identifyShell, leaveShells, MAX_SHELL_LEVELS, type FoundShell } from './shell-exit.js';

export interface LoginOptions {
  user: string;
  /** secret; registered with the masker before anything is typed */
  password: string;
  timeoutMs?: number;
  /** Silence before the console is nudged with Enter (once) and then given up on. */
  stallMs?: number;
  signal?: AbortSignal;
}

export interface LoginResult {
  /** Shells someone left open on the console, as they identified themselves; each was logged out first. */
  loggedOut: FoundShell[];
  /** How many times the user name was typed (prompts re-shown, timeouts). */
  userAttempts: number;
}

const MAX_USER_ATTEMPTS = 3;

/**
 * Gets a console from whatever state it is in to a shell prompt of a login we made: wakes it, logs
 * out any shell left open there (after asking who it runs as), answers login: and Password:,
 * recognises refusals. The password is typed only at a Password: prompt that directly follows the
 * echo of the user name we typed at a login prompt we saw, so it never lands in a shell, a sudo or a
 * getty as a user name. What the server prints after the password (a motd, a profile script) does
 * not decide the outcome: a refusal is a refusal only when getty's prompt comes back after it.
 */
export async function loginOnConsole(ch: ConsoleChannel, opts: LoginOptions): Promise<LoginResult> {
  registerSecret(opts.password);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let userTyped = false;
  let passwordTyped = false;
  let userAttempts = 0;
  /** What login printed after our password, until getty's prompt confirms it was a refusal. */
  let refusal: Refusal | undefined;
  let retriedUnexplained = false;
  const loggedOut: FoundShell[] = [];
  const typeUser = () => {
    if (++userAttempts > MAX_USER_ATTEMPTS) {
      throw new RescueError('console.no-prompt', {
        seconds: Math.round(timeoutMs / 1000),
        screen: ch.screen.summary(),
      });
    }
    ch.type(`${opts.user}\r`);
    userTyped = true;
  };
  // Only answers to what we type now count: what was on the line before is history.
  ch.buffer.consume();
  ch.note(`login as ${opts.user}`);
  await ch.screen.settled();
  // A login prompt already waiting (e.g. right after "Login incorrect"): an Enter now would be read
  // as an empty user name, so answer it directly.
  if (LOGIN_PROMPT.test(`\n${ch.screen.cursorLine()}`)) typeUser();
  else ch.type('\r');
  for (;;) {
    const left = deadline - Date.now();
    const r: ExpectResult = await ch.expect(passwordTyped ? AFTER_PASSWORD : LOGIN_PATTERNS, {
      timeoutMs: Math.max(1, left),
      stallMs: opts.stallMs ?? 5000,
      // After the password, login may take its time (PAM delays): an Enter would be typeahead.
      nudge: passwordTyped ? false : undefined,
      waitingFor: 'a login prompt or shell',
      errorCode: 'console.no-prompt',
      signal: opts.signal,
    });
    if (passwordTyped) {
      if (r.name === 'shell') return { loggedOut, userAttempts };
      if (r.name === 'refusal') {
        refusal ??= refusalOf(r.match[0]);
        continue;
      }
      if (r.name === 'password') {
        // Asked again (a PAM stack that retries by itself): never the same password twice in one
        // login; an empty answer ends it with "Login incorrect".
        ch.type('\r');
        refusal ??= 'incorrect';
        continue;
      }
      if (r.name === 'change') {
        // The forced password change: leave it, and report once getty is back (so the next login
        // never races getty's restart). A profile that only printed such a line shows its shell.
        if ((await leavePasswordChange(ch, opts)) === 'shell') return { loggedOut, userAttempts };
        throw new RescueError('console.password-expired', { user: opts.user });
      }
      if (r.name === 'login' && refusal === undefined && !retriedUnexplained) {
        // getty is back and login said nothing. Its last words can be lost: systemd's getty units
        // reset and hang up the terminal the moment login exits (TTYReset, TTYVHangup), and what
        // login wrote just before may not have left the console yet. A wrong password is never
        // silent (login says so and asks again itself), so this is an account-level refusal whose
        // reason was lost: asked once more, login says it again.
        ch.note('login ended without a reason reaching the console: trying once more');
        retriedUnexplained = true;
        passwordTyped = false;
        typeUser();
        continue;
      }
      // getty's prompt again: whatever login printed before it was the reason.
      throw new RescueError(ERROR_OF[refusal ?? 'incorrect'], { user: opts.user });
    }
    switch (r.name) {
      case 'incorrect':
      case 'locked':
        // Not about a password of ours (none was typed): an earlier session's leftovers, or our
        // wake-up Enter answered someone else's Password: prompt. getty comes back by itself.
        userTyped = false;
        break;
      case 'expired':
        // An earlier session's forced password change (cut connection): leave it without typing
        // into it; that brings getty's prompt back, and the login goes on.
        ch.type('\x03');
        userTyped = false;
        break;
      case 'login':
        typeUser();
        break;
      case 'password':
        if (userTyped && (await followsUserName(ch, r, opts.user))) {
          ch.typeSecret(opts.password);
          passwordTyped = true;
        } else {
          // A password prompt we did not ask for (someone else's half-typed login): submit it empty,
          // login answers "Login incorrect" and getty asks again.
          ch.note('password prompt not preceded by our user name: resetting');
          ch.type('\r');
          userTyped = false;
        }
        break;
      case 'shell': {
        // Someone's shell (or ours from a cut session): never typed into beyond asking who it is
        // and logging it out, then the normal login.
        if (loggedOut.length >= MAX_SHELL_LEVELS) {
          throw new RescueError('console.logout-failed', {
            levels: MAX_SHELL_LEVELS,
            screen: ch.screen.summary(),
          });
        }
        const found = await identifyShell(ch, opts);
        loggedOut.push(found);
        ch.note(`a shell was open on the console (${describeShell(found)}): logging it out first`);
        userTyped = false;
        if ((await leaveShells(ch, opts)) === 'login') typeUser();
        else ch.type('\r');
        break;
      }
    }
  }
}

export function describeShell(found: FoundShell): string {
  if (found.uid === undefined) return 'it did not say who it runs as';
  return `uid ${found.uid}${found.user ? ` (${found.user})` : ''}`;
}

const ERROR_OF: Record<
  Refusal,
  'console.login-failed' | 'console.account-locked' | 'console.password-expired'
> = {
  incorrect: 'console.login-failed',
  locked: 'console.account-locked',
  expired: 'console.password-expired',
};

/**
 * Ends a forced password change without giving it a password. ^C usually ends login at once, but
 * not always: login may be in a stretch where it ignores SIGINT, and the line discipline then just
 * drops the ^C while the prompt keeps waiting (the next login would then answer it). So: ^C, then
 * end of input (^D), then an empty line (a wrong, empty current password), each given a few seconds
 * for getty's prompt to come back.
 */
async function leavePasswordChange(
  ch: ConsoleChannel,
  opts: { signal?: AbortSignal },
): Promise<'login' | 'shell'> {
  for (const key of ['\x03', '\x04', '\r']) {
    ch.type(key);
    const r = await ch
      .expect([{ name: 'login', re: LOGIN_PROMPT, filterKernel: true }, ...shellPrompts()], {
        timeoutMs: 4000,
        waitingFor: 'getty after leaving the password change',
        signal: opts.signal,
      })
      .catch((err: unknown) => {
        if (opts.signal?.aborted || ch.closed) throw err;
        return undefined;
      });
    if (r) return r.name as 'login' | 'shell';
    ch.note('the password change is still waiting: trying the next way out');
  }
  throw new RescueError('console.no-prompt', { seconds: 12, screen: ch.screen.summary() });
}

/** After our password: a shell, getty's prompt again, or words that explain a refusal. */
const AFTER_PASSWORD = REFUSAL_PATTERNS;

/**
 * What login itself may print between the user name and Password: without making the prompt any less
 * ours: pam_nologin's notice while the system boots (root may still log in).
 */
const LOGIN_NOTICES = /^[ \t]*"?System is booting up\.[^\n]*$/gm;

/** The stream since the login prompt is just our user name's echo, and the screen shows the prompt too. */
async function followsUserName(ch: ConsoleChannel, r: ExpectResult, user: string): Promise<boolean> {
  // Exactly the echo of the user name: an extra empty line before it means getty or login read a
  // line we did not mean as the user name, and this prompt may not be for our user.
  if (r.before.replace(LOGIN_NOTICES, '').replace(/\s+$/, '') !== user) return false;
  await ch.screen.settled();
  return PASSWORD_PROMPT.test(`\n${ch.screen.cursorLine()}`);
}

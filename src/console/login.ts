import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import type { ConsoleChannel, ExpectResult } from './expect.js';
import { LOGIN_PATTERNS, LOGIN_PROMPT, PASSWORD_PROMPT } from './prompts.js';

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
  /** A shell was already open (a previous session left it logged in): no password was typed. */
  alreadyLoggedIn: boolean;
  /** How many times the user name was typed (prompts re-shown, timeouts). */
  userAttempts: number;
}

const MAX_USER_ATTEMPTS = 3;

/**
 * Gets a console from whatever state it is in to a shell prompt: wakes it, answers login: and
 * Password:, recognises refusals. The password is typed only at a Password: prompt that directly
 * follows the echo of the user name we typed, so it never lands in a shell or a getty as a user name.
 */
export async function loginOnConsole(ch: ConsoleChannel, opts: LoginOptions): Promise<LoginResult> {
  registerSecret(opts.password);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let userTyped = false;
  let passwordTyped = false;
  let userAttempts = 0;
  // Only answers to what we type now count: what was on the line before is history.
  ch.buffer.consume();
  ch.note(`login as ${opts.user}`);
  await ch.screen.settled();
  if (LOGIN_PROMPT.test(`\n${ch.screen.cursorLine()}`)) {
    // A login prompt is already waiting (e.g. right after "Login incorrect"): an Enter now would be
    // read as an empty user name, so answer it directly.
    ch.type(`${opts.user}\r`);
    userTyped = true;
    userAttempts++;
  } else {
    ch.type('\r');
  }
  for (;;) {
    const left = deadline - Date.now();
    const r: ExpectResult = await ch.expect(LOGIN_PATTERNS, {
      timeoutMs: Math.max(1, left),
      stallMs: opts.stallMs ?? 5000,
      waitingFor: 'a login prompt or shell',
      errorCode: 'console.no-prompt',
      signal: opts.signal,
    });
    switch (r.name) {
      case 'incorrect':
        if (passwordTyped) {
          // Let the next prompt arrive, so the screen shows it to whoever logs in next.
          await ch
            .expect([{ name: 'login', re: LOGIN_PROMPT, filterKernel: true }], {
              timeoutMs: 10_000,
              waitingFor: 'the login prompt after a refusal',
            })
            .catch(() => undefined);
          throw new RescueError('console.login-failed', { user: opts.user });
        }
        // Our wake-up Enter answered someone else's Password: prompt; getty comes back by itself.
        userTyped = false;
        break;
      case 'locked':
        if (!userTyped) {
          // Left on the screen by an earlier session: not about our user; wait for the next prompt.
          ch.type('\r');
          break;
        }
        throw new RescueError('console.account-locked', { user: opts.user });
      case 'expired':
        // Leave the forced password change without typing anything into it.
        ch.type('\x03');
        // A change prompt before we typed a user name is an earlier session's (cut connection):
        // leaving it brings getty's prompt back, and the login goes on.
        if (!userTyped) break;
        throw new RescueError('console.password-expired', { user: opts.user });
      case 'login':
        if (passwordTyped) throw new RescueError('console.login-failed', { user: opts.user });
        if (++userAttempts > MAX_USER_ATTEMPTS) {
          throw new RescueError('console.no-prompt', {
            seconds: Math.round(timeoutMs / 1000),
            screen: ch.screen.summary(),
          });
        }
        ch.type(`${opts.user}\r`);
        userTyped = true;
        break;
      case 'password':
        if (userTyped && !passwordTyped && (await followsUserName(ch, r, opts.user))) {
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
      case 'shell':
        return { alreadyLoggedIn: !passwordTyped, userAttempts };
    }
  }
}

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

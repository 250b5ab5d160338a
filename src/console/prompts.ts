import type { ExpectPattern } from './expect.js';

/**
 * What a serial console shows around a login, as stream patterns. Prompts are anchored at the end of
 * the text received so far: a prompt is only a prompt when the console then waits for input.
 * Every pattern runs on text with spliced kernel messages removed.
 */

/** `<host> login: ` (agetty) or a bare `login: `, never the `Last login: ...` line. */
export const LOGIN_PROMPT = /(?:^|\n)(?:(?!Last )[\w.-]+ )?login: ?$/;
/** login(1)'s password prompt (`Password: `; SUSE: `alice's Password: `). */
export const PASSWORD_PROMPT = /(?:^|\n)(?:\S+'s )?[Pp]assword: ?$/;
/**
 * A shell waiting for input: bash `user@host:~$ `, root `#`, busybox `~ # `, zsh/csh `%`, `>`. The
 * line may be long: zsh (PROMPT_SP) marks output that ended without a newline with `%` or `#` and a
 * terminal width of spaces, then a carriage return, before its prompt; the shells we set up are 400
 * columns wide.
 */
export const SHELL_PROMPT = /(?:^|\n)[^\n]{0,600}[$#%>] ?$/;
export const LOGIN_INCORRECT = /Login incorrect|Login failed|Authentication failure/;
export const ACCOUNT_LOCKED =
  /Your account has expired|[Aa]ccount (?:is |has been )?locked|This account is currently not available|Permission denied/;
const PASSWORD_EXPIRED_WORDS =
  /You are required to change your password|Your password has expired|[Pp]assword change required|Changing password for|\(current\) UNIX password:/;
export const PASSWORD_EXPIRED = new RegExp(`${PASSWORD_EXPIRED_WORDS.source}|Current password: ?$`);

const p = (name: string, re: RegExp): ExpectPattern => ({ name, re, filterKernel: true });

/**
 * A shell waiting for input, as the stream shows it, or as the cursor line shows it once the console
 * is quiet: a right-hand prompt (zsh's RPROMPT) is printed after the prompt and the cursor moved back,
 * so the stream does not end with the prompt.
 */
export function shellPrompts(name = 'shell'): ExpectPattern[] {
  return [p(name, SHELL_PROMPT), { name, re: SHELL_PROMPT, on: 'cursor' }];
}

/** In priority order for equal positions; the earliest match in the stream wins regardless. */
export const LOGIN_PATTERNS: readonly ExpectPattern[] = [
  p('incorrect', LOGIN_INCORRECT),
  p('locked', ACCOUNT_LOCKED),
  p('expired', PASSWORD_EXPIRED),
  p('password', PASSWORD_PROMPT),
  p('login', LOGIN_PROMPT),
  ...shellPrompts(),
];

/** Why login refused us, as its own words say; counted only once getty's prompt follows them. */
export type Refusal = 'incorrect' | 'locked' | 'expired';

export function refusalOf(text: string): Refusal {
  if (ACCOUNT_LOCKED.test(text)) return 'locked';
  if (PASSWORD_EXPIRED_WORDS.test(text)) return 'expired';
  return 'incorrect';
}

/** The forced password change waiting for input (pam_unix, shadow's passwd), not just a line about it. */
export const PASSWORD_CHANGE_PROMPT =
  /(?:^|\n)(?:\(current\) UNIX password|Current password|New password|Enter new UNIX password): ?$/;

/**
 * After our password: words that may explain a refusal (a motd may print them too: they decide
 * nothing until getty's prompt comes back), the password change waiting for input, another password
 * prompt, getty's prompt, a shell.
 */
export const REFUSAL_PATTERNS: readonly ExpectPattern[] = [
  p(
    'refusal',
    new RegExp(`${LOGIN_INCORRECT.source}|${ACCOUNT_LOCKED.source}|${PASSWORD_EXPIRED_WORDS.source}`),
  ),
  p('change', PASSWORD_CHANGE_PROMPT),
  p('password', PASSWORD_PROMPT),
  p('login', LOGIN_PROMPT),
  ...shellPrompts(),
];

/** A fresh nonce of letters and digits; starts with a letter so it is never a number. */
export function nonce(length = 6): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = 'Q';
  for (let i = 1; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

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
/** A shell waiting for input: bash `user@host:~$ `, root `#`, busybox `~ # `, zsh/csh `%`, `>`. */
export const SHELL_PROMPT = /(?:^|\n)[^\n]{0,200}[$#%>] ?$/;
export const LOGIN_INCORRECT = /Login incorrect|Login failed|Authentication failure/;
export const ACCOUNT_LOCKED =
  /Your account has expired|[Aa]ccount (?:is |has been )?locked|This account is currently not available|Permission denied/;
export const PASSWORD_EXPIRED =
  /You are required to change your password|Your password has expired|[Pp]assword change required|Changing password for|\(current\) UNIX password:|Current password: ?$/;

const p = (name: string, re: RegExp): ExpectPattern => ({ name, re, filterKernel: true });

/** In priority order for equal positions; the earliest match in the stream wins regardless. */
export const LOGIN_PATTERNS: readonly ExpectPattern[] = [
  p('incorrect', LOGIN_INCORRECT),
  p('locked', ACCOUNT_LOCKED),
  p('expired', PASSWORD_EXPIRED),
  p('password', PASSWORD_PROMPT),
  p('login', LOGIN_PROMPT),
  p('shell', SHELL_PROMPT),
];

/** A fresh nonce of letters and digits; starts with a letter so it is never a number. */
export function nonce(length = 6): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = 'Q';
  for (let i = 1; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import type { ConsoleChannel, ExpectPattern } from './expect.js';
import { nonce, shellPrompts } from './prompts.js';
import type { CommandRunner } from './runner.js';
import { escapeRegex } from './text.js';

export interface ShellInfo {
  uid: number;
  /** The user name `id -un` gave (absent where id cannot name the uid). */
  user?: string;
  /** $0 of the shell, e.g. -bash, bash, sh, -sh (busybox ash / dash) */
  shell: string;
}

/**
 * Who the shell runs as, which shell it is, and whether it can decode Z85 (basenc): its output is
 * read by parseShellInfo.
 */
export const SHELL_INFO_QUERY = 'id -u;id -un 2>/dev/null||echo;echo "$0";command -v basenc||:';

/**
 * A shell set up with setup() and asked SHELL_INFO_QUERY in the same exchange. Uploads into it are
 * typed as Z85 where basenc is there, on a console that streams its output (a screen console, typed
 * key by key, keeps base64: its shifted characters cost as much as the characters saved).
 */
export async function setUpShell(
  runner: CommandRunner,
  opts: { timeoutMs?: number; signal?: AbortSignal },
): Promise<ShellInfo> {
  const info = parseShellInfo(await runner.setup({ ...opts, query: SHELL_INFO_QUERY }));
  runner.encoding =
    info.z85 && runner.screenRows === undefined && Z85_SHELL.test(info.shell) ? 'z85' : 'base64';
  return info;
}

/**
 * Shells that type Z85's `!` into a here-document as it is: sh, dash, ash, ksh, and bash (its history
 * expansion is off with the history our setup switches off). Others (zsh) keep base64.
 */
const Z85_SHELL = /^-?(?:.*\/)?(?:ba|da|a|k|mk)?sh$/;

function parseShellInfo(out: string): ShellInfo & { z85: boolean } {
  const [uid, user, shell, basenc] = out
    .trim()
    .split('\n')
    .map((l) => l.trim());
  return {
    uid: Number(uid),
    ...(user ? { user } : {}),
    shell: shell ?? '',
    z85: /basenc$/.test(basenc ?? ''),
  };
}

/**
 * From a user shell to a root shell with `sudo -i`. sudo is given a prompt of our own (a nonce), so
 * the sudo password is typed only at that prompt, right after the sudo line we typed. The new shell
 * gets our prompt and settings again.
 */
export async function becomeRoot(
  ch: ConsoleChannel,
  runner: CommandRunner,
  opts: { user: string; sudoPassword?: string; signal?: AbortSignal },
): Promise<ShellInfo> {
  if (opts.sudoPassword) registerSecret(opts.sudoPassword);
  const ask = `${nonce(6)}: `;
  const fail = (reason: string) => new RescueError('console.no-root', { user: opts.user, reason });
  const ours: ExpectPattern = {
    name: 'ours',
    re: new RegExp(escapeRegex(runner.prompt)),
    filterKernel: true,
  };
  const patterns: ExpectPattern[] = [
    { name: 'ask', re: new RegExp(`${escapeRegex(ask)}$`), filterKernel: true },
    { name: 'sorry', re: /Sorry, try again|incorrect password attempt/, filterKernel: true },
    {
      name: 'denied',
      re: /not in the sudoers file|is not allowed to run sudo|may not run sudo/,
      filterKernel: true,
    },
    { name: 'missing', re: /sudo: (?:command )?not found|sudo: not found/, filterKernel: true },
    ours,
    ...shellPrompts(),
  ];
  const head = ask.slice(0, 3);
  // `\command`: neither an alias nor a shell function named sudo (a user's ~/.bashrc) gets the line.
  await runner.typeLine(`\\command sudo -p '${head}''${ask.slice(3)}' -i`, opts);
  ch.type('\r');
  let typed = false;
  for (;;) {
    const r = await ch.expect(patterns, { timeoutMs: 30_000, waitingFor: 'sudo', signal: opts.signal });
    switch (r.name) {
      case 'ask':
        if (typed || !opts.sudoPassword) {
          ch.type('\x03');
          await runner.waitForPrompt(opts);
          throw fail(typed ? 'sudo refused the password' : 'sudo asks for a password and none was given');
        }
        ch.typeSecret(opts.sudoPassword);
        typed = true;
        break;
      case 'sorry':
        break; // the next 'ask' decides
      case 'denied':
        await runner.waitForPrompt(opts);
        throw fail('the user may not use sudo');
      case 'missing':
        await runner.waitForPrompt(opts);
        throw fail('sudo is not installed');
      case 'ours':
        throw fail('sudo failed');
      case 'shell': {
        const info = await setUpShell(runner, opts);
        if (info.uid !== 0) throw fail(`sudo gave uid ${info.uid}`);
        return info;
      }
    }
  }
}

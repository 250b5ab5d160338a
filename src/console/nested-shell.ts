import { isRescueError, RescueError } from '../errors/rescue-error.js';
import type { ConsoleChannel, ExpectResult } from './expect.js';
import { LOGIN_PROMPT, PASSWORD_PROMPT, SHELL_PROMPT, shellPrompts } from './prompts.js';
import { setUpShell, type ShellInfo } from './root.js';
import type { CommandRunner } from './runner.js';
import { escapeRegex } from './text.js';

interface Waiting {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Takes the root shell a rescue system leaves on its console (Finnix on Linode's Lish: getty logs
 * root in by itself). Nothing is typed but an Enter until a shell prompt shows; the shell is then set
 * up as a login's would be, and anything but uid 0 is refused (console.no-root). A login or password
 * prompt instead is console.rescue-login: no password is ever typed here, and someone's half-typed
 * login is left as it is (an empty answer would only start another). `found`: a shell showed, before
 * anything is typed into it.
 */
export async function adoptOpenRootShell(
  ch: ConsoleChannel,
  runner: CommandRunner,
  opts: Waiting & { found: () => void; nudgeMs?: number },
): Promise<ShellInfo> {
  ch.buffer.consume();
  ch.note('taking the root shell the rescue system offers on its console');
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let r: ExpectResult | undefined;
  // The vendor's job may be done before the rescue system has booted to its shell: Enter again every
  // few seconds (an empty line to a shell, nothing to a booting kernel) until the deadline.
  while (!r) {
    ch.type('\r');
    r = await ch
      .expect(
        [
          { name: 'login', re: LOGIN_PROMPT, filterKernel: true },
          { name: 'password', re: PASSWORD_PROMPT, filterKernel: true },
          ...shellPrompts(),
        ],
        {
          timeoutMs: Math.max(1, Math.min(opts.nudgeMs ?? 10_000, deadline - Date.now())),
          waitingFor: 'the root shell of the rescue system',
          errorCode: 'console.no-prompt',
          signal: opts.signal,
        },
      )
      .catch((err: unknown) => {
        if (!isRescueError(err) || err.code !== 'console.no-prompt' || Date.now() >= deadline) throw err;
        ch.note('no prompt on the rescue system console yet (still booting?): Enter again');
        return undefined;
      });
  }
  if (r.name !== 'shell') throw new RescueError('console.rescue-login', { screen: ch.screen.summary() });
  opts.found();
  const info = await setUpShell(runner, opts);
  if (info.uid !== 0) {
    throw new RescueError('console.no-root', {
      user: info.user ?? String(info.uid),
      reason: `the rescue system's console shell runs as uid ${info.uid}`,
    });
  }
  ch.note(`shell ready: uid ${info.uid}, ${info.shell}`);
  return info;
}

/**
 * Starts a shell on top of ours with `command` (one line, e.g. a chroot) and sets it up as ours
 * (the same prompt), so run() and runScript() work inside it. A command that gives no new shell (our
 * prompt comes back) is console.command-failed; a shell that is not root is console.no-root.
 * `started`: a new shell showed, so leaving it is due whatever follows.
 */
export async function startShellOnTop(
  ch: ConsoleChannel,
  runner: CommandRunner,
  opts: Waiting & { command: string; step: string; started: () => void },
): Promise<ShellInfo> {
  await runner.typeLine(opts.command, opts);
  ch.buffer.consume();
  ch.type('\r');
  // Our own prompt is a shell prompt too: it counts as the command's failure, never as the new shell.
  const ours = new RegExp(`${escapeRegex(runner.prompt)}$`);
  const r = await ch.expect(
    [
      {
        name: 'shell',
        re: (text: string) => {
          const m = SHELL_PROMPT.exec(text);
          return m && !ours.test(m[0]) ? m : null;
        },
        filterKernel: true,
      },
      { name: 'ours', re: ours, filterKernel: true },
    ],
    { timeoutMs: opts.timeoutMs ?? 30_000, waitingFor: `the shell of ${opts.step}`, signal: opts.signal },
  );
  if (r.name === 'ours') throw new RescueError('console.command-failed', { step: opts.step, exitCode: '?' });
  opts.started();
  // Another root filesystem: the files a continued gzip stream builds on are not there.
  runner.gzipChain = undefined;
  const info = await setUpShell(runner, opts);
  if (info.uid !== 0) {
    throw new RescueError('console.no-root', {
      user: info.user ?? '',
      reason: `${opts.step} gave uid ${info.uid}`,
    });
  }
  ch.note(`entered ${opts.step}: uid ${info.uid}, ${info.shell}`);
  return info;
}

/** Ends the shell startShellOnTop started: back at our prompt in the shell below it. */
export async function leaveShellOnTop(
  ch: ConsoleChannel,
  runner: CommandRunner,
  opts: { signal?: AbortSignal },
): Promise<void> {
  ch.buffer.consume();
  ch.type('\x15unset HISTFILE;exit\r');
  runner.gzipChain = undefined;
  await runner.waitForPrompt(opts);
}

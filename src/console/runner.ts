import { RescueError } from '../errors/rescue-error.js';
import type { GzipChain } from './gzip-chain.js';
import type { Encoding } from './z85.js';
import type { ConsoleChannel, ExpectPattern } from './expect.js';
import { nonce, SHELL_PROMPT } from './prompts.js';

/** The terminal size our shells are told (wide: wrapped echoes are the typing check's enemy). */
const SHELL_COLS = 400;
const SHELL_ROWS = 50;
import { escapeRegex, findIgnoringWhitespace } from './text.js';
import {
  fetchPacked,
  helperDefinition,
  packedFrom,
  packedMarker,
  type FetchStats,
} from './vnc/screen-pages.js';

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Keep printk lines that landed in the output (default: cut them out, they are not the command's). */
  keepKernelMessages?: boolean;
}

export interface RunResult {
  stdout: string;
  exitCode: number;
}

/** Longest line we type: readline's horizontal scrolling would garble the echo beyond the terminal width. */
export const MAX_TYPED_LINE = 380;
const ECHO_TIMEOUT_MS = 10_000;

/**
 * Runs commands in a shell on the console, openQA style. Each command is typed as
 * `cmd;printf "\nMARK-$?-\n"`: the marker is a fresh nonce, and the typed line's own echo shows `$?`
 * where the marker has digits, so the echo can never match. The echo of the typed line is checked
 * before Enter, so a lost or mangled keystroke is caught before anything runs.
 */
export class CommandRunner {
  /** The unique prompt this runner gave the shell. */
  readonly prompt = `${nonce()}> `;
  private promptPattern: ExpectPattern = {
    name: 'prompt',
    re: new RegExp(escapeRegex(this.prompt)),
    filterKernel: true,
  };
  commands = 0;
  private ready = false;
  /** Screen-only consoles: the paging functions exist in the current shell. */
  private pagingReady = false;
  /** The gzip stream the scripts typed into this shell continue (see gzip-chain.ts). */
  gzipChain: GzipChain | undefined;
  /** How compressed uploads are typed into this shell: Z85 where the server can decode it (z85.ts). */
  encoding: Encoding = 'base64';
  /** Pages read back on screen-only consoles, and how many of them were read again. */
  readonly paging: FetchStats = { pages: 0, rereads: 0 };

  /** Idle seconds after which an abandoned shell logs itself out (TMOUT). */
  idleLogoutSeconds = 900;

  constructor(private ch: ConsoleChannel) {}

  /** After a reconnect: the same shell, reached through a new channel. */
  attach(ch: ConsoleChannel): void {
    this.ch = ch;
  }

  async waitForPrompt(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    await this.ch.expect([this.promptPattern], {
      timeoutMs: opts.timeoutMs ?? 15_000,
      waitingFor: 'the shell prompt we set',
      signal: opts.signal,
    });
  }

  /**
   * Makes the shell predictable: first no history (bash stops recording; no shell writes a history
   * file on exit; busybox ash keeps recording, which is why no secret is ever part of a typed line),
   * a wide terminal (and SIGWINCH, so readline learns it now: wrapped echoes are the typing check's
   * enemy) with our prompt, kept short so it does not wrap at 80 columns itself; then no pagers, C
   * locale, and an idle timeout: a console abandoned by a cut connection or a killed vps-rescue logs
   * itself out of root after 15 minutes (bash, ksh, zsh; dash has no TMOUT). The prompt is typed split
   * by quotes, so its echo cannot look like the prompt.
   *
   * `query` (one line of sh) runs right after, and its output is returned: on a console that streams
   * its output all of it is one typed line and one exchange. A screen-only console (VNC) takes the
   * settings in two lines and the query as a paged command, as its paging needs our prompt first.
   */
  async setup(opts: { timeoutMs?: number; signal?: AbortSignal; query?: string } = {}): Promise<string> {
    const head = this.prompt.slice(0, 3);
    const tail = this.prompt.slice(3);
    this.pagingReady = false;
    // History off before anything else this session types (bash: not even kept in memory).
    const first = `unset HISTFILE RPROMPT RPS1;[ -n "$BASH_VERSION" ]&&set +o history;stty rows ${SHELL_ROWS} cols ${SHELL_COLS} 2>/dev/null;kill -WINCH $$;PS1='${head}''${tail}'`;
    const second = `unset PROMPT_COMMAND;export LC_ALL=C PAGER=cat SYSTEMD_PAGER= SYSTEMD_COLORS=0;TMOUT=${this.idleLogoutSeconds}`;
    if (!this.screenRows) {
      // Our prompt is set by this very line: run() waits for it after the marker. Until the line has
      // run, a retyped echo is cancelled back to the shell's own prompt, as before our setup.
      const r = await this.run([first, second, opts.query ?? ':'].join(';'), opts);
      // The emulator follows the size the shell was told, so cursor moves (a right-hand prompt) land.
      this.ch.screen.resize(SHELL_COLS, SHELL_ROWS);
      this.ready = true;
      if (r.exitCode !== 0)
        throw new RescueError('console.command-failed', { step: 'setup', exitCode: r.exitCode });
      return r.stdout;
    }
    await this.typeLine(first, opts);
    this.ch.type('\r');
    await this.waitForPrompt(opts);
    this.ready = true;
    await this.typeLine(second, opts);
    this.ch.type('\r');
    await this.waitForPrompt(opts);
    return opts.query === undefined ? '' : this.check(opts.query, 'setup', opts);
  }

  /** Re-find our prompt after a reconnect (or anything that left the line in doubt). */
  async resync(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    this.ch.buffer.consume();
    this.ch.type('\x15\r');
    await this.ch.expect([this.promptPattern], {
      timeoutMs: opts.timeoutMs ?? 15_000,
      stallMs: 3000,
      waitingFor: 'the shell prompt we set',
      signal: opts.signal,
    });
  }

  async run(cmd: string, opts: RunOptions = {}): Promise<RunResult> {
    if (cmd.includes('\n') || cmd.includes('\r')) {
      throw new RescueError('internal', { message: 'console commands must be one line' });
    }
    if (this.screenRows) return this.runPaged(cmd, opts);
    const mark = nonce(8);
    await this.typeLine(`${cmd};printf "\\n${mark}-$?-\\n"`, opts);
    this.ch.type('\r');
    this.commands++;
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let done;
    try {
      done = await this.ch.expect(
        [{ name: 'marker', re: new RegExp(`${mark}-(\\d+)-`), filterKernel: !opts.keepKernelMessages }],
        { timeoutMs, waitingFor: `the end of: ${cmd.slice(0, 60)}`, signal: opts.signal },
      );
    } catch (err) {
      await this.interrupt();
      throw err;
    }
    await this.waitForPrompt({ signal: opts.signal });
    // before = "\n" (our Enter's echo) + output + "\n" (from the printf).
    let stdout = done.before;
    if (stdout.startsWith('\n')) stdout = stdout.slice(1);
    if (stdout.endsWith('\n')) stdout = stdout.slice(0, -1);
    return { stdout, exitCode: Number(done.match[1]) };
  }

  /** Set on consoles that show only a screen (VNC): output goes through a file and comes back in pages. */
  get screenRows(): number | undefined {
    return this.ch.transport.screenRows;
  }

  /** Types the paging functions once per shell (see vnc/screen-pages.ts). */
  async preparePaging(opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.pagingReady || !this.screenRows) return;
    await this.typeLine(helperDefinition(this.screenRows), opts);
    this.ch.type('\r');
    await this.waitForPrompt(opts);
    this.pagingReady = true;
  }

  /** run() on a screen-only console: the output (stdout and stderr, as a console shows them) via a file. */
  private async runPaged(cmd: string, opts: RunOptions): Promise<RunResult> {
    await this.preparePaging(opts);
    const mark = nonce(8);
    await this.typeLine(`{ ${cmd};}>$VRO 2>&1;vf ${mark}`, opts);
    this.ch.type('\r');
    this.commands++;
    const re = packedMarker(mark);
    let done;
    try {
      done = await this.ch.expect([{ name: 'marker', re, filterKernel: true }], {
        timeoutMs: opts.timeoutMs ?? 60_000,
        waitingFor: `the end of: ${cmd.slice(0, 60)}`,
        signal: opts.signal,
      });
    } catch (err) {
      await this.interrupt();
      throw err;
    }
    await this.waitForPrompt({ signal: opts.signal });
    const data = await fetchPacked(this.ch, this, packedFrom(done.match, 1), re, {
      signal: opts.signal,
      stats: this.paging,
    });
    return { stdout: data.toString('utf8'), exitCode: Number(done.match[4]) };
  }

  /** Like run(), but a non-zero exit code is a console.command-failed error. */
  async check(cmd: string, step: string, opts: RunOptions = {}): Promise<string> {
    const r = await this.run(cmd, opts);
    if (r.exitCode !== 0) throw new RescueError('console.command-failed', { step, exitCode: r.exitCode });
    return r.stdout;
  }

  /**
   * Types one line without Enter and waits for its echo (kernel messages and wrap artefacts ignored).
   * A line whose echo never comes is cancelled with ^C and typed once more.
   */
  async typeLine(line: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (line.length > MAX_TYPED_LINE) {
      throw new RescueError('internal', { message: `console line longer than ${MAX_TYPED_LINE}` });
    }
    for (let attempt = 1; ; attempt++) {
      this.ch.type(line);
      try {
        await this.ch.expect(
          [
            { name: 'echo', re: (text) => findIgnoringWhitespace(line, text), filterKernel: true },
            // readline's redraw at the right margin can repeat a character in the stream; the
            // rendered screen is what the line really looks like.
            { name: 'echo-screen', on: 'screen', re: (text) => screenEndsWith(text, line) },
          ],
          {
            timeoutMs: ECHO_TIMEOUT_MS,
            waitingFor: 'the echo of the typed line',
            signal: opts.signal,
            stallMs: 0,
          },
        );
        return;
      } catch (err) {
        if (attempt >= 2 || this.ch.closed || opts.signal?.aborted) throw err;
        this.ch.note('typed line did not echo back: cancelling and typing it again');
        await this.interrupt();
      }
    }
  }

  /**
   * Feeds lines to a command that is already reading them (a here-document), a few at a time: each
   * group is typed with its Enters and one wait covers it (its last line's echo, with the others
   * found before it). A line is not held back for its own echo because a damaged one can only spoil
   * data that the caller checks afterwards (gzip's CRC, sha256). A missing echo is
   * console.upload-failed with `typed`, the number of lines sent so far.
   */
  async feedLines(
    lines: readonly string[],
    opts: { signal?: AbortSignal; group?: number } = {},
  ): Promise<void> {
    const size = opts.group ?? 3;
    for (let i = 0; i < lines.length; i += size) {
      const group = lines.slice(i, i + size);
      for (const line of group) {
        if (line.length > MAX_TYPED_LINE) {
          throw new RescueError('internal', { message: `console line longer than ${MAX_TYPED_LINE}` });
        }
        this.ch.type(`${line}\r`);
      }
      // Every line of the group echoed, in any order: lines typed before the shell reads the
      // here-document are echoed by the terminal first and shown again by the shell's line editor, so
      // their order on the console says nothing. Their bytes are proven by the checksum, not here.
      const allEchoed = (text: string): RegExpExecArray | null => {
        let furthest: RegExpExecArray | null = null;
        for (const line of group) {
          const found = findIgnoringWhitespace(line, text);
          if (!found) return null;
          if (!furthest || found.index > furthest.index) furthest = found;
        }
        return furthest;
      };
      let echoed = true;
      try {
        await this.ch.expect([{ name: 'echo', re: allEchoed, filterKernel: true }], {
          timeoutMs: ECHO_TIMEOUT_MS,
          waitingFor: 'the echo of the typed lines',
          signal: opts.signal,
          stallMs: 0,
        });
      } catch {
        echoed = false;
      }
      if (!echoed) {
        // No ^C here: a shell reading a here-document may take it only at its next line, and eat a
        // character of that. The caller ends the here-document instead; its checksum then fails.
        throw new RescueError('console.upload-failed', {
          name: 'typed lines did not echo back',
          typed: Math.min(lines.length, i + size),
        });
      }
    }
  }

  /** ^C and wait for a prompt (ours once set up), so the next command starts on a clean line. */
  async interrupt(): Promise<void> {
    if (this.ch.closed) return;
    this.ch.type('\x03');
    const prompt = this.ready ? this.promptPattern : { name: 'shell', re: SHELL_PROMPT, filterKernel: true };
    try {
      await this.ch.expect([prompt], { timeoutMs: 5000, waitingFor: 'the prompt after ^C' });
    } catch {
      // The caller reports the original failure.
    }
  }
}

/** The screen (wrapped rows joined) ends with `line`, whitespace ignored: the cursor sits after its echo. */
function screenEndsWith(screen: string, line: string): RegExpExecArray | null {
  const squeeze = (t: string) => t.replace(/\s+/g, '');
  if (!squeeze(screen).endsWith(squeeze(line))) return null;
  const match = [line] as unknown as RegExpExecArray;
  match.index = 0;
  match.input = screen;
  return match;
}

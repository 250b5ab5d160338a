import { registerSecret } from '../secrets.js';
import type { ConsoleEndpoint } from './endpoint.js';
import { ConsoleChannel, type ConsoleCounters } from './expect.js';
import { loginOnConsole, type LoginResult } from './login.js';
import { becomeRoot, setUpShell, type ShellInfo } from './root.js';
import { leaveShells } from './shell-exit.js';
import { LOGIN_PROMPT, PASSWORD_PROMPT, shellPrompts } from './prompts.js';
import { adoptOpenRootShell, leaveShellOnTop, startShellOnTop } from './nested-shell.js';
import { RescueError } from '../errors/rescue-error.js';
import { CommandRunner, type RunOptions, type RunResult } from './runner.js';
import { Transcript } from './transcript.js';
import { openTransport } from './transport/index.js';
import type { ByteTransport } from './transport/types.js';
import {
  runScriptThroughConsole,
  uploadThroughConsole,
  type ConsoleScriptRun,
  type UploadOptions,
} from './upload.js';

export interface SessionOptions {
  /** A Transcript, or a file path to append JSON lines to (masked). */
  transcript?: Transcript | string;
  /** An abandoned console shell logs itself out after this many idle seconds (default 900). */
  idleLogoutSeconds?: number;
}

export interface SessionLogin {
  user: string;
  /** secret */
  password: string;
  /**
   * secret; defaults to `password`: sudo asks for the user's own password, typed only into a sudo we
   * ran in a shell of our own login that said it is that user.
   */
  sudoPassword?: string;
  /** Become root through sudo when the user is not root (default true). */
  root?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SessionCounters extends ConsoleCounters {
  commands: number;
  reconnects: number;
}

export interface SessionTimings {
  connectMs?: number;
  /** From the start of login() to a ready shell (root if asked). */
  loginMs?: number;
}

type Opener = () => Promise<ByteTransport>;

/**
 * A serial console driven by the automation: connect, log in (and become root), run commands, upload
 * files, reconnect without losing the shell. Counters and timings are for benchmarks and reports.
 */
export class ConsoleSession {
  readonly transcript: Transcript;
  readonly timings: SessionTimings = {};
  private reconnects = 0;
  private runner: CommandRunner;
  private shell: ShellInfo | undefined;
  /** Shells we opened on top of getty (1: a direct login, 2: a login plus sudo; 0: one adopted). */
  private depth: number | undefined;

  private constructor(
    private channel: ConsoleChannel,
    private readonly opener: Opener,
    transcript: Transcript,
    private readonly shared: ConsoleCounters,
  ) {
    this.transcript = transcript;
    this.runner = new CommandRunner(channel);
  }

  static async open(target: ConsoleEndpoint | Opener, opts: SessionOptions = {}): Promise<ConsoleSession> {
    const opener: Opener = typeof target === 'function' ? target : () => openTransport(target);
    if (typeof target !== 'function') registerEndpointSecrets(target);
    const transcript =
      opts.transcript instanceof Transcript ? opts.transcript : new Transcript(opts.transcript);
    const started = Date.now();
    const transport = await opener();
    transcript.note(`connected: ${transport.description}`);
    const shared: ConsoleCounters = { bytesTyped: 0, bytesReceived: 0, roundTrips: 0 };
    const channel = new ConsoleChannel(transport, transcript, shared);
    const session = new ConsoleSession(channel, opener, transcript, shared);
    if (opts.idleLogoutSeconds !== undefined) session.runner.idleLogoutSeconds = opts.idleLogoutSeconds;
    session.timings.connectMs = Date.now() - started;
    return session;
  }

  get counters(): SessionCounters {
    return { ...this.shared, commands: this.runner.commands, reconnects: this.reconnects };
  }

  /** Pages of output read back on a screen-only console (VNC), and how many were read again. */
  get paging(): { pages: number; rereads: number } {
    return { ...this.runner.paging };
  }

  /** The channel (screen, stream, expect) for callers that need the console below command level. */
  get console(): ConsoleChannel {
    return this.channel;
  }

  get shellInfo(): ShellInfo | undefined {
    return this.shell;
  }

  async login(opts: SessionLogin): Promise<LoginResult & ShellInfo> {
    const started = Date.now();
    const result = await loginOnConsole(this.channel, opts).catch(async (err: unknown) => {
      // Stopped half-way (an interruption, or a console that stopped answering as expected): a
      // password already typed may still open a shell, which must not be left there.
      const halfWay =
        opts.signal?.aborted ||
        (err instanceof RescueError && (err.code === 'console.no-prompt' || err.code === 'console.timeout'));
      if (halfWay && !this.channel.closed) await this.settleAfterAbort();
      throw err;
    });
    // From here on a shell of ours is on the console: whatever fails, close({ logout }) ends it.
    this.shell = { uid: -1, shell: '' };
    this.depth = 1;
    let info = await setUpShell(this.runner, { signal: opts.signal });
    this.shell = info;
    if (info.uid !== 0 && opts.root !== false) {
      // root's own login never needs sudo: a root login that gave another uid is refused, so root's
      // password is never typed into another user's sudo.
      if (opts.user === 'root') {
        throw new RescueError('console.no-root', {
          user: opts.user,
          reason: `the login gave uid ${info.uid}`,
        });
      }
      this.depth = 2;
      info = await becomeRoot(this.channel, this.runner, {
        user: opts.user,
        sudoPassword: opts.sudoPassword ?? opts.password,
        signal: opts.signal,
      });
    }
    this.shell = info;
    this.timings.loginMs = Date.now() - started;
    this.channel.note(`shell ready: uid ${info.uid}, ${info.shell}`);
    return { ...result, ...info };
  }

  /**
   * Takes the root shell a rescue system offers on its console without a login (see
   * adoptOpenRootShell): never a password, only uid 0. That shell is not ours to log out:
   * close({ logout }) leaves only the shells entered on top of it (enterShell).
   */
  async adoptRootShell(
    opts: { timeoutMs?: number; nudgeMs?: number; signal?: AbortSignal } = {},
  ): Promise<ShellInfo> {
    const started = Date.now();
    this.depth = 0;
    const info = await adoptOpenRootShell(this.channel, this.runner, {
      ...opts,
      found: () => (this.shell = { uid: -1, shell: '' }),
    });
    this.shell = info;
    this.timings.loginMs = Date.now() - started;
    return info;
  }

  /** A root shell on top of ours, set up as ours (see startShellOnTop), e.g. a chroot. */
  async enterShell(
    command: string,
    step: string,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ShellInfo> {
    const info = await startShellOnTop(this.channel, this.runner, {
      ...opts,
      command,
      step,
      started: () => this.nested++,
    });
    this.shell = info;
    return info;
  }

  /** Leaves the shell enterShell started: back at our prompt in the shell below it. */
  async leaveShell(opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.nested === 0) return;
    // ^C first when a command was cut: `exit` must reach the shell, not a here-document.
    if (this.unsettled) await this.runner.interrupt();
    this.unsettled = false;
    this.nested--;
    await leaveShellOnTop(this.channel, this.runner, opts);
  }

  /** Shells started on top of ours with enterShell, still open. */
  private nested = 0;

  run(cmd: string, opts?: RunOptions): Promise<RunResult> {
    return this.unsettling(this.runner.run(cmd, opts));
  }

  /** A command that failed half-way may have left the shell inside something (a here-document). */
  private unsettled = false;

  private unsettling<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      this.unsettled = true;
      throw err;
    });
  }

  /**
   * After a login stopped half-way: getty's prompt, or a shell that is then logged out (bounded).
   * Nothing is typed unless a shell or our Password: prompt is recognised.
   */
  private async settleAfterAbort(): Promise<void> {
    const r = await this.channel
      .expect(
        [
          { name: 'login', re: LOGIN_PROMPT, filterKernel: true },
          { name: 'password', re: PASSWORD_PROMPT, filterKernel: true },
          ...shellPrompts(),
        ],
        {
          timeoutMs: 10_000,
          stallMs: 4000,
          nudge: false,
          waitingFor: 'the console after an interrupted login',
        },
      )
      .catch(() => undefined);
    // Our user name was typed and its Password: waits: an empty answer, and getty asks again.
    if (r?.name === 'password') this.channel.type('\r');
    if (r?.name === 'shell') await leaveShells(this.channel, { ours: true }).catch(() => undefined);
  }

  /** run(), with a non-zero exit code as console.command-failed naming `step`. */
  check(cmd: string, step: string, opts?: RunOptions): Promise<string> {
    return this.unsettling(this.runner.check(cmd, step, opts));
  }

  upload(path: string, data: Buffer | string, opts?: UploadOptions): Promise<void> {
    return this.unsettling(uploadThroughConsole(this.channel, this.runner, path, Buffer.from(data), opts));
  }

  /** Writes a script on the server and runs it, in one command (see runScriptThroughConsole). */
  runScript(req: Omit<ConsoleScriptRun, 'data'> & { data: Buffer | string }): Promise<RunResult> {
    return this.unsettling(
      runScriptThroughConsole(this.channel, this.runner, { ...req, data: Buffer.from(req.data) }),
    );
  }

  /** Drops the connection and connects again: the shell on the server stays, we find our prompt again. */
  async reconnect(): Promise<void> {
    await this.channel.close();
    const transport = await this.opener();
    this.reconnects++;
    this.transcript.note(`reconnected: ${transport.description}`);
    this.channel = new ConsoleChannel(transport, this.transcript, this.shared);
    this.runner.attach(this.channel);
    if (this.shell) await this.runner.resync();
  }

  private async logout(signal?: AbortSignal): Promise<void> {
    if (this.depth === 0) {
      // An adopted shell (a rescue system's) is left as it was found: only what we started on it ends.
      while (this.nested > 0) await this.leaveShell({ signal });
    } else await leaveShells(this.channel, { knownDepth: this.depth, signal });
    this.shell = undefined;
  }

  /** Whether a shell of ours is (or may be) open on the console. */
  get loggedIn(): boolean {
    return this.shell !== undefined;
  }

  /** `logout`: end the shell(s) we opened, so no logged-in console is left behind. */
  async close(opts: { logout?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    try {
      if (opts.logout && this.shell && !this.channel.closed) {
        // ^C first when a command was cut: `exit` must reach the shell, not a here-document.
        if (this.unsettled) await this.runner.interrupt();
        await this.logout(opts.signal);
      }
    } finally {
      this.transcript.flush();
      await this.channel.close();
    }
  }
}

function registerEndpointSecrets(endpoint: ConsoleEndpoint): void {
  if ('url' in endpoint) {
    try {
      for (const value of new URL(endpoint.url).searchParams.values()) registerSecret(value);
    } catch {
      // local URLs such as unix:/path carry no secrets
    }
  }
  if (endpoint.kind === 'termproxy-ws') registerSecret(endpoint.ticket);
  if (endpoint.kind === 'serial-ssh' || endpoint.kind === 'vnc-ws') registerSecret(endpoint.password);
  if (endpoint.kind === 'serial-ssh') registerSecret(endpoint.privateKey);
  if ('headers' in endpoint && endpoint.headers)
    for (const v of Object.values(endpoint.headers)) registerSecret(v);
}

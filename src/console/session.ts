import { registerSecret } from '../secrets.js';
import type { ConsoleEndpoint } from './endpoint.js';
import { ConsoleChannel, type ConsoleCounters } from './expect.js';
import { loginOnConsole, type LoginResult } from './login.js';
import { becomeRoot, shellInfo, type ShellInfo } from './root.js';
import { LOGIN_PROMPT, SHELL_PROMPT } from './prompts.js';
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
  /** secret; defaults to `password` (sudo asks for the user's own password) */
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
  /** Shells we opened on top of getty (1: a direct login, 2: a login plus sudo); unknown for a reused shell. */
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
    const result = await loginOnConsole(this.channel, opts);
    await this.runner.setup({ signal: opts.signal });
    let info = await shellInfo(this.runner);
    this.depth = result.alreadyLoggedIn ? undefined : 1;
    if (info.uid !== 0 && opts.root !== false) {
      if (this.depth) this.depth = 2;
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

  run(cmd: string, opts?: RunOptions): Promise<RunResult> {
    return this.runner.run(cmd, opts);
  }

  /** run(), with a non-zero exit code as console.command-failed naming `step`. */
  check(cmd: string, step: string, opts?: RunOptions): Promise<string> {
    return this.runner.check(cmd, step, opts);
  }

  upload(path: string, data: Buffer | string, opts?: UploadOptions): Promise<void> {
    return uploadThroughConsole(this.channel, this.runner, path, Buffer.from(data), opts);
  }

  /** Writes a script on the server and runs it, in one command (see runScriptThroughConsole). */
  runScript(req: Omit<ConsoleScriptRun, 'data'> & { data: Buffer | string }): Promise<RunResult> {
    return runScriptThroughConsole(this.channel, this.runner, { ...req, data: Buffer.from(req.data) });
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

  private async logout(): Promise<void> {
    await logoutShells(this.channel, this.depth);
    this.shell = undefined;
  }

  /** `logout`: end the shell(s) we opened, so no logged-in console is left behind. */
  async close(opts: { logout?: boolean } = {}): Promise<void> {
    if (opts.logout && this.shell && !this.channel.closed) await this.logout();
    this.transcript.flush();
    await this.channel.close();
  }
}

/**
 * Up to three levels of shells (sudo shell, login shell, a nested one) until getty's prompt shows.
 * When we know how many we opened, the last one's own "logout" is enough: getty takes a second or
 * more to come back, and nothing of ours is left on the console by then.
 */
async function logoutShells(channel: ConsoleChannel, depth?: number): Promise<void> {
  for (let level = 0; level < 3; level++) {
    channel.buffer.consume();
    channel.type('exit\r');
    const last = depth !== undefined && level === depth - 1;
    const r = await channel
      .expect(
        [
          { name: 'login', re: LOGIN_PROMPT, filterKernel: true },
          { name: 'shell', re: SHELL_PROMPT, filterKernel: true },
          ...(last ? [{ name: 'logout', re: /(?:^|\n)logout\r?\n/, filterKernel: true }] : []),
        ],
        { timeoutMs: 5000, waitingFor: 'logout' },
      )
      .catch(() => undefined);
    if (!r || r.name === 'login' || r.name === 'logout') return;
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

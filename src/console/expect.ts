import { RescueError } from '../errors/rescue-error.js';
import { mask } from '../secrets.js';
import { Screen } from './screen.js';
import { StreamBuffer, type TextMatcher } from './stream-buffer.js';
import type { Transcript } from './transcript.js';
import type { ByteTransport } from './transport/types.js';

export interface ExpectPattern {
  name: string;
  re: RegExp | TextMatcher;
  /**
   * 'stream' (default): the text that arrived since the last match; 'screen': the rendered screen;
   * 'cursor': the line the cursor waits on, up to the cursor, once the console has been quiet for
   * CURSOR_QUIET_MS (a zsh right-hand prompt is drawn after the prompt, then the cursor goes back).
   */
  on?: 'stream' | 'screen' | 'cursor';
  /** Cut printk messages out of the stream before matching (stream patterns only). */
  filterKernel?: boolean;
}

/** How long the console must stay silent before the cursor line is taken as what waits for input. */
export const CURSOR_QUIET_MS = 1000;

export interface ExpectOptions {
  timeoutMs: number;
  /** What we wait for, in words, for the error message. */
  waitingFor: string;
  signal?: AbortSignal;
  /** No output for this long: type `nudge` once; silent that long again: give up. */
  stallMs?: number;
  /** What to type on a stall; false = do not type anything. Default: Enter. */
  nudge?: string | false;
  errorCode?: 'console.timeout' | 'console.no-prompt';
}

export interface ExpectResult {
  name: string;
  match: RegExpExecArray;
  /** Stream text before the match (kernel messages removed if the pattern filters them). */
  before: string;
}

export interface ConsoleCounters {
  bytesTyped: number;
  bytesReceived: number;
  /** Times we typed something and then waited for the console's answer. */
  roundTrips: number;
}

/**
 * The console as the automation sees it: bytes in (stream buffer + screen + transcript), bytes out
 * (counted), and expect(): wait for the first of several patterns, with timeout, abort and stall handling.
 */
export class ConsoleChannel {
  readonly screen = new Screen();
  readonly buffer = new StreamBuffer();
  readonly counters: ConsoleCounters;
  private waiters = new Set<{ check: () => void; onData: () => void }>();
  private closedReason: string | undefined;
  private lastDataAt = Date.now();
  private typedSinceExpect = false;
  private unsubscribe: Array<() => void> = [];

  constructor(
    readonly transport: ByteTransport,
    readonly transcript?: Transcript,
    /** Shared across reconnects when the session passes its own. */
    counters?: ConsoleCounters,
  ) {
    this.counters = counters ?? { bytesTyped: 0, bytesReceived: 0, roundTrips: 0 };
    this.unsubscribe.push(
      transport.onData((chunk) => this.received(chunk)),
      transport.onClose((reason) => {
        this.closedReason = reason;
        this.transcript?.note(`closed: ${reason}`);
        this.wake();
      }),
      this.screen.onReply((reply) => {
        if (!this.transport.closed) this.transport.write(reply);
      }),
    );
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  type(text: string): void {
    this.assertOpen();
    this.transcript?.typed(text);
    this.send(text);
  }

  /** Types a secret followed by Enter; the transcript records only ***. */
  typeSecret(secret: string): void {
    this.assertOpen();
    this.transcript?.typedSecret();
    this.send(`${secret}\r`);
  }

  note(text: string): void {
    this.transcript?.note(text);
  }

  async expect(patterns: readonly ExpectPattern[], opts: ExpectOptions): Promise<ExpectResult> {
    if (this.typedSinceExpect) this.counters.roundTrips++;
    this.typedSinceExpect = false;
    // A transport that types key by key (VNC) may still be typing: waiting starts once it is done.
    if (this.transport.drain) await this.transport.drain();
    this.buffer.resetSearch();
    const immediate = this.check(patterns);
    if (immediate) return immediate;
    opts.signal?.throwIfAborted();
    return new Promise<ExpectResult>((resolve, reject) => {
      let stalls = 0;
      let stallTimer: NodeJS.Timeout | undefined;
      let quietTimer: NodeJS.Timeout | undefined;
      const finish = (error: unknown, result?: ExpectResult) => {
        clearTimeout(deadline);
        clearTimeout(stallTimer);
        clearTimeout(quietTimer);
        this.waiters.delete(entry);
        opts.signal?.removeEventListener('abort', onAbort);
        if (result) resolve(result);
        else reject(error);
      };
      const fail = () =>
        finish(
          new RescueError(opts.errorCode ?? 'console.timeout', {
            waitingFor: opts.waitingFor,
            seconds: Math.round(opts.timeoutMs / 100) / 10,
            screen: mask(this.screen.summary()),
          }),
        );
      const waiter = () => {
        if (this.closedReason !== undefined) {
          finish(new RescueError('console.closed', { reason: mask(this.closedReason) }));
          return;
        }
        const result = this.check(patterns);
        if (result) finish(undefined, result);
      };
      const armStall = () => {
        if (!opts.stallMs) return;
        clearTimeout(stallTimer);
        const silentFor = Date.now() - this.lastDataAt;
        stallTimer = setTimeout(onStall, Math.max(0, opts.stallMs - silentFor));
      };
      const onStall = () => {
        if (Date.now() - this.lastDataAt < opts.stallMs! - 5) return armStall();
        stalls++;
        if (stalls > 1 || opts.nudge === false || this.closed) return fail();
        this.note(`stalled ${opts.stallMs} ms waiting for ${opts.waitingFor}: nudging`);
        this.type(opts.nudge ?? '\r');
        this.lastDataAt = Date.now();
        armStall();
      };
      // A cursor pattern is looked at once the console has been quiet: check again then.
      const cursorWatch = patterns.some((pattern) => pattern.on === 'cursor');
      const armQuiet = () => {
        if (!cursorWatch) return;
        clearTimeout(quietTimer);
        quietTimer = setTimeout(waiter, CURSOR_QUIET_MS + 10);
      };
      const onAbort = () => finish(opts.signal!.reason);
      const deadline = setTimeout(fail, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const entry = {
        check: waiter,
        onData: () => {
          armStall();
          armQuiet();
        },
      };
      this.waiters.add(entry);
      armStall();
      armQuiet();
      waiter();
    });
  }

  /** Releases listeners and closes the transport. */
  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.transcript?.flush();
    await this.transport.close();
    this.screen.dispose();
  }

  private send(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.counters.bytesTyped += bytes.length;
    this.typedSinceExpect = true;
    this.transport.write(bytes);
  }

  private assertOpen(): void {
    if (this.closedReason !== undefined)
      throw new RescueError('console.closed', { reason: mask(this.closedReason) });
  }

  private received(chunk: Buffer): void {
    this.counters.bytesReceived += chunk.length;
    this.lastDataAt = Date.now();
    this.transcript?.received(chunk);
    this.buffer.push(chunk);
    this.wake();
    void this.screen.write(chunk).then(() => this.wake());
    for (const waiter of this.waiters) waiter.onData();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** The earliest stream match wins (so "Login incorrect" beats the login: prompt after it). */
  private check(patterns: readonly ExpectPattern[]): ExpectResult | undefined {
    let best: { pattern: ExpectPattern; found: NonNullable<ReturnType<StreamBuffer['find']>> } | undefined;
    for (const pattern of patterns) {
      if (pattern.on === 'screen' || pattern.on === 'cursor') continue;
      const found = this.buffer.find(pattern.re, { filterKernel: pattern.filterKernel });
      if (found && (!best || found.before.length < best.found.before.length)) best = { pattern, found };
    }
    if (best) {
      this.buffer.consume(best.found.end);
      return { name: best.pattern.name, match: best.found.match, before: best.found.before };
    }
    const screenPatterns = patterns.filter((p) => p.on === 'screen');
    if (screenPatterns.length > 0) {
      const text = this.screen.text();
      for (const pattern of screenPatterns) {
        const match = typeof pattern.re === 'function' ? pattern.re(text) : pattern.re.exec(text);
        if (match) {
          const before = this.buffer.consume();
          return { name: pattern.name, match, before };
        }
      }
    }
    const cursorPatterns = patterns.filter((p) => p.on === 'cursor');
    if (cursorPatterns.length > 0 && Date.now() - this.lastDataAt >= CURSOR_QUIET_MS) {
      const line = `\n${this.screen.cursorLine()}`;
      for (const pattern of cursorPatterns) {
        const match = typeof pattern.re === 'function' ? pattern.re(line) : pattern.re.exec(line);
        if (match) {
          const before = this.buffer.consume();
          return { name: pattern.name, match, before };
        }
      }
    }
    this.buffer.markSearched();
    return undefined;
  }
}

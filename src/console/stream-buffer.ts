import { AnsiStripper, removeKernelMessages } from './text.js';

/** Beyond this many unconsumed characters the oldest half is dropped (a console nobody reads). */
const MAX_PENDING_CHARS = 8 * 1024 * 1024;
/** Raw bytes kept for diagnostics. */
const RAW_RING_BYTES = 64 * 1024;
/** Re-scan this much already-searched text, so a pattern split across chunks still matches. */
const CARRY_OVER_CHARS = 2048;

/** A matcher that is not a regex (e.g. the whitespace-insensitive echo check). */
export type TextMatcher = (text: string) => RegExpExecArray | null;

export interface StreamMatch {
  match: RegExpExecArray;
  /** Unconsumed text before the match (kernel messages removed when filtered). */
  before: string;
  end: number;
}

/**
 * The console stream as text: decoded as UTF-8 across chunk boundaries (invalid bytes become U+FFFD),
 * escape sequences stripped, CR dropped. Text stays "pending" until a match consumes it, so every
 * expectation sees exactly what arrived after the previous one.
 */
export class StreamBuffer {
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private stripper = new AnsiStripper();
  private pendingText = '';
  private ring: Buffer[] = [];
  private ringBytes = 0;
  private recent = '';
  /** How far the pending text has already been searched without a match (see CARRY_OVER_CHARS). */
  private searched = 0;

  push(chunk: Buffer): string {
    this.ring.push(chunk);
    this.ringBytes += chunk.length;
    while (this.ringBytes > RAW_RING_BYTES && this.ring.length > 1)
      this.ringBytes -= this.ring.shift()!.length;
    const text = this.stripper.push(this.decoder.decode(chunk, { stream: true }));
    this.pendingText += text;
    this.recent = (this.recent + text).slice(-16_384);
    if (this.pendingText.length > MAX_PENDING_CHARS) {
      const drop = this.pendingText.length - MAX_PENDING_CHARS / 2;
      this.pendingText = this.pendingText.slice(drop);
      this.searched = Math.max(0, this.searched - drop);
    }
    return text;
  }

  get pending(): string {
    return this.pendingText;
  }

  /** The last `chars` characters of text seen, consumed or not (for error messages). */
  tail(chars = 2000): string {
    return this.recent.slice(-chars);
  }

  rawTail(): Buffer {
    return Buffer.concat(this.ring);
  }

  /**
   * Find `re` in the pending text without consuming it. With `filterKernel`, printk messages spliced
   * into the text are cut out first, so they can neither hide nor fake a match. `end` is the raw
   * index just past the match, for consume().
   */
  find(re: RegExp | TextMatcher, opts: { filterKernel?: boolean } = {}): StreamMatch | undefined {
    // Start at a line start before the carry-over window, so ^ and \n anchors behave.
    let start = Math.max(0, this.searched - CARRY_OVER_CHARS);
    if (start > 0) start = this.pendingText.lastIndexOf('\n', start) + 1;
    const window = this.pendingText.slice(start);
    const view = opts.filterKernel ? removeKernelMessages(window) : { text: window, toRaw: (i: number) => i };
    const match =
      typeof re === 'function'
        ? re(view.text)
        : new RegExp(re.source, re.flags.replace('g', '').replace('y', '')).exec(view.text);
    if (!match) return undefined;
    const head = this.pendingText.slice(0, start);
    const before =
      (opts.filterKernel ? removeKernelMessages(head).text : head) + view.text.slice(0, match.index);
    return { match, before, end: start + view.toRaw(match.index + match[0].length) };
  }

  /** New patterns: search all pending text again. */
  resetSearch(): void {
    this.searched = 0;
  }

  /** Everything pending has been searched for the current patterns: later searches may skip most of it. */
  markSearched(): void {
    this.searched = this.pendingText.length;
  }

  consume(end: number = this.pendingText.length): string {
    const consumed = this.pendingText.slice(0, end);
    this.pendingText = this.pendingText.slice(end);
    this.searched = 0;
    return consumed;
  }
}

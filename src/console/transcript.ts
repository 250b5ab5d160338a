import { appendFileSync } from 'node:fs';
import { mask } from '../secrets.js';

export type TranscriptDirection = 'rx' | 'tx' | 'note';

export interface TranscriptEntry {
  /** Milliseconds since the transcript started. */
  t: number;
  dir: TranscriptDirection;
  text: string;
}

/** Received text is held back until a line ends (or this much piles up), so a secret split across chunks is still masked whole. */
const RX_FLUSH_CHARS = 4096;

/**
 * Everything seen and typed on the console, timestamped. Every entry is masked before it is stored
 * or written: a secret registered with src/secrets.ts never reaches the file, even if the remote
 * echoed it. Typed secrets are recorded as *** by the caller on top of that.
 */
export class Transcript {
  private readonly start = Date.now();
  private readonly entries: TranscriptEntry[] = [];
  private rxPending = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** `file`: append JSON lines there as entries are made (created if missing). */
  constructor(private readonly file?: string) {}

  received(chunk: Buffer): void {
    this.rxPending += this.decoder.decode(chunk, { stream: true });
    const cut = this.rxPending.lastIndexOf('\n');
    if (cut >= 0) {
      this.add('rx', this.rxPending.slice(0, cut + 1));
      this.rxPending = this.rxPending.slice(cut + 1);
    } else if (this.rxPending.length > RX_FLUSH_CHARS) {
      this.flush();
    }
  }

  typed(text: string): void {
    this.flush();
    this.add('tx', text);
  }

  /** A secret was typed: only its placeholder is recorded. */
  typedSecret(): void {
    this.flush();
    this.add('tx', '***\r');
  }

  note(text: string): void {
    this.flush();
    this.add('note', text);
  }

  flush(): void {
    if (this.rxPending) this.add('rx', this.rxPending);
    this.rxPending = '';
  }

  list(): readonly TranscriptEntry[] {
    this.flush();
    return this.entries;
  }

  /** Plain-text rendering: one line per entry, control characters made visible. */
  text(): string {
    return this.list()
      .map((e) => `${(e.t / 1000).toFixed(3).padStart(9)} ${e.dir.padEnd(4)} ${JSON.stringify(e.text)}`)
      .join('\n');
  }

  private add(dir: TranscriptDirection, text: string): void {
    const entry: TranscriptEntry = { t: Date.now() - this.start, dir, text: mask(text) };
    this.entries.push(entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }
}

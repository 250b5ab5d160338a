import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BaseTransport, toBuffer } from '../../../src/console/transport/types.js';

/**
 * Recorded console streams (test/fixtures/console/*.jsonl, written by test/lab/console-capture.ts):
 * line 1 is a JSON header, every further line one event: what the server sent (rx) or what the
 * engine typed (tx), its offset in ms from the start of the recording, and the bytes in base64.
 */
export interface FixtureHeader {
  /** boot | login-root | login-wrong-then-right | login-alice-sudo | kernel-interleaved */
  kind: string;
  suite: string;
  capturedAt: string;
  /** Free-form facts the capture knew (users, results, injected lines). */
  meta: Record<string, unknown>;
}

export interface StreamEvent {
  dir: 'rx' | 'tx';
  t: number;
  data: Buffer;
}

export interface Fixture {
  file: string;
  header: FixtureHeader;
  events: StreamEvent[];
}

export const FIXTURE_DIR = new URL('../../fixtures/console/', import.meta.url).pathname;

export function serializeFixture(header: FixtureHeader, events: readonly StreamEvent[]): string {
  const lines = [JSON.stringify(header)];
  for (const e of events) lines.push(JSON.stringify({ d: e.dir, t: e.t, b: e.data.toString('base64') }));
  return `${lines.join('\n')}\n`;
}

export function parseFixture(file: string, text: string): Fixture {
  const [head, ...rest] = text.split('\n').filter((l) => l.trim() !== '');
  if (!head) throw new Error(`${file}: empty fixture`);
  const header = JSON.parse(head) as FixtureHeader;
  const events = rest.map((line) => {
    const raw = JSON.parse(line) as { d: 'rx' | 'tx'; t: number; b: string };
    return { dir: raw.d, t: raw.t, data: Buffer.from(raw.b, 'base64') };
  });
  return { file, header, events };
}

export function loadFixtures(kind?: string): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => parseFixture(f, readFileSync(join(FIXTURE_DIR, f), 'utf8')))
    .filter((f) => kind === undefined || f.header.kind === kind);
}

export const rxBytes = (f: Fixture): Buffer =>
  Buffer.concat(f.events.filter((e) => e.dir === 'rx').map((e) => e.data));
export const txText = (f: Fixture): string =>
  Buffer.concat(f.events.filter((e) => e.dir === 'tx').map((e) => e.data)).toString('utf8');

/**
 * The nonces the engine generated while the fixture was recorded, in the order it generated them:
 * the runner's prompt (typed split as PS1='Qab''cd> '), command markers (printf "\nQxxxxxxx-$?-\n")
 * and sudo's prompt (sudo -p 'Qab''cd: '). Each is typed right after it is made, so the typed order
 * is the generation order; a re-typed line repeats one, hence the de-duplication.
 */
export function recordedNonces(f: Fixture): string[] {
  const typed = txText(f);
  const found: Array<{ at: number; value: string }> = [];
  for (const m of typed.matchAll(/PS1='(Q\w{2})''(\w+)> '/g))
    found.push({ at: m.index, value: m[1]! + m[2]! });
  for (const m of typed.matchAll(/printf "\\n(Q\w{7})-\$\?-\\n"/g)) found.push({ at: m.index, value: m[1]! });
  for (const m of typed.matchAll(/sudo -p '(Q\w{2})''(\w+): '/g))
    found.push({ at: m.index, value: m[1]! + m[2]! });
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((n) => n.value))];
}

/**
 * Plays a recorded server to the engine. rx chunks are released one per macrotask, in the recorded
 * order and chunking; at each recorded tx the replay waits until the engine has typed exactly those
 * bytes (what it types early is held and checked when the recording gets there). Anything else typed
 * is a divergence: the transport closes with the difference as its reason, so the engine fails loudly.
 */
export class ReplayTransport extends BaseTransport {
  readonly description = 'replay';
  readonly typed: Buffer[] = [];
  divergence: string | undefined;
  private next = 0;
  private held = Buffer.alloc(0);
  private pumping = false;

  constructor(
    private readonly events: readonly StreamEvent[],
    /** The rest of the recording has been played (for tests that wait for the end). */
    private readonly onEnd: () => void = () => {},
  ) {
    super();
    this.schedule();
  }

  get remaining(): number {
    return this.events.length - this.next;
  }

  /** Keystrokes of the recording the engine has not typed yet. */
  get remainingTyped(): number {
    return this.events.slice(this.next).filter((e) => e.dir === 'tx').length;
  }

  write(data: Uint8Array | string): void {
    if (this.closed) return;
    const bytes = toBuffer(data);
    this.typed.push(bytes);
    this.held = Buffer.concat([this.held, bytes]);
    this.schedule();
  }

  async close(): Promise<void> {
    this.emitClose('closed by us');
  }

  private schedule(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.step();
    });
  }

  private step(): void {
    if (this.closed) return;
    const event = this.events[this.next];
    if (!event) {
      if (this.held.length > 0) return this.diverge(`typed after the recording ended: ${show(this.held)}`);
      this.onEnd();
      return;
    }
    if (event.dir === 'rx') {
      this.next++;
      this.emitData(event.data);
      return this.schedule();
    }
    const want = event.data;
    const have = this.held.subarray(0, want.length);
    if (!want.subarray(0, have.length).equals(have)) {
      return this.diverge(`expected to type ${show(want)}, typed ${show(have)}`);
    }
    if (have.length < want.length) return; // wait for the rest of the keystrokes
    this.held = this.held.subarray(want.length);
    this.next++;
    this.schedule();
  }

  private diverge(reason: string): void {
    // The engine typing something else is a behaviour change: a bug, or (if meant) a reason to record
    // the fixtures again with `npx tsx test/lab/console-capture.ts` (root, lab images).
    this.divergence = `replay diverged at event ${this.next}: ${reason} (re-capture if the change is intended)`;
    this.emitClose(this.divergence);
  }
}

const show = (b: Buffer): string => JSON.stringify(b.toString('utf8'));

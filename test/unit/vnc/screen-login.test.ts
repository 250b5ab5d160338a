import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../src/console/expect.js';
import { loginOnConsole } from '../../../src/console/login.js';
import { BaseTransport, toBuffer } from '../../../src/console/transport/types.js';
import type { CellPos } from '../../../src/console/vnc/screen-reader.js';
import { LOST_OUTPUT, ScreenFeed, ScreenStream } from '../../../src/console/vnc/screen-stream.js';

/**
 * A root login on the lab VM's VNC console, as the screen reader saw it (rows and the cursor when its
 * blink phase showed it), recorded read by read: the connect-time screen, then the screens after each
 * thing the login engine typed.
 */
interface Recorded {
  steps: Array<{ typed: string | null; screens: Array<{ lines: string[]; cursor?: CellPos }> }>;
}
const RECORDED = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/vnc-streams/login-bookworm-text.json'), 'utf8'),
) as Recorded;
const PASSWORD = 'Root-pw-7c1e';

/** Plays the recorded screens through the VNC transport's screen→stream feed, step by typed step. */
class RecordedScreens extends BaseTransport {
  readonly description = 'recorded VNC screens';
  readonly typed: string[] = [];
  private readonly feed = new ScreenFeed(1500, 0);
  private clock = 0;

  constructor(private readonly rec: Recorded) {
    super();
    this.play(0);
  }

  write(data: Uint8Array | string): void {
    const text = toBuffer(data).toString('utf8');
    this.typed.push(text);
    const step = this.rec.steps[this.typed.length];
    const expected = step?.typed === 'PASSWORD\r' ? `${PASSWORD}\r` : step?.typed;
    if (step && expected === text) setTimeout(() => this.play(this.typed.length), 5);
  }

  private play(i: number): void {
    for (const screen of this.rec.steps[i]!.screens) {
      // Reads 100 ms apart, as the transport makes them while the screen changes.
      this.clock += 100;
      const out = this.feed.read(screen, this.clock);
      if (out) this.emitData(Buffer.from(out, 'utf8'));
    }
  }

  async close(): Promise<void> {
    this.emitClose('closed');
  }
}

async function loginOn(rec: Recorded) {
  const transport = new RecordedScreens(rec);
  const ch = new ConsoleChannel(transport);
  try {
    const result = await loginOnConsole(ch, { user: 'root', password: PASSWORD, timeoutMs: 3000 });
    return { result, typed: transport.typed };
  } finally {
    await ch.close();
  }
}

describe('logging in over VNC screens recorded from the lab VM', () => {
  it('answers the prompt already on the screen and types the password once, right after the echo', async () => {
    const { result, typed } = await loginOn(RECORDED);
    expect(result).toEqual({ loggedOut: [], userAttempts: 1 });
    expect(typed).toEqual(['root\r', `${PASSWORD}\r`]);
  });

  it('does the same when the blink hid the cursor on the first read at connect time', async () => {
    const [first, ...rest] = RECORDED.steps;
    const screens = first!.screens;
    const hidden: Recorded = {
      steps: [{ typed: null, screens: [{ lines: screens[0]!.lines }, ...screens] }, ...rest],
    };
    const { result, typed } = await loginOn(hidden);
    expect(result.userAttempts).toBe(1);
    expect(typed).toEqual(['root\r', `${PASSWORD}\r`]);
  });
});

describe('ScreenStream', () => {
  const screen = (...rows: string[]) => rows;

  it('ends the cursor row at the cursor, so a prompt keeps its trailing blank', () => {
    const s = new ScreenStream();
    expect(s.next(screen('', 'vps login:'), { row: 1, col: 11 })).toBe('\r\nvps login: ');
    expect(s.next(screen('', 'vps login: root'), { row: 1, col: 15 })).toBe('root');
  });

  it('holds back a prompt-like last line while the blink hides the cursor, then sends it whole', () => {
    const s = new ScreenStream();
    expect(s.next(screen('Debian', 'vps login:'), 'hidden')).toBe('\r\nDebian');
    expect(s.pending).toBe(true);
    expect(s.next(screen('Debian', 'vps login:'), { row: 1, col: 11 })).toBe('\r\nvps login: ');
    expect(s.pending).toBe(false);
    // Hidden again with nothing changed: the cursor is where it was, nothing to send or hold.
    expect(s.next(screen('Debian', 'vps login:'), 'hidden')).toBe('');
    expect(s.pending).toBe(false);
  });

  it('sends other lines at once, and everything when the console shows no cursor at all', () => {
    const s = new ScreenStream();
    expect(s.next(screen('echo a'), 'hidden')).toBe('\r\necho a');
    expect(s.next(screen('echo a b'), 'hidden')).toBe(' b');
    expect(s.next(screen('echo a b', 'a b', 'x #'), 'hidden')).toBe('\r\na b');
    expect(s.next(screen('echo a b', 'a b', 'x #'), 'none')).toBe('\r\nx #');
  });

  it('follows a scroll, and a cleared screen sends no empty lines', () => {
    const s = new ScreenStream();
    expect(s.next(screen('one', 'two', 'three'), 'none')).toBe('\r\none\r\ntwo\r\nthree');
    expect(s.next(screen('two', 'three', 'four'), 'none')).toBe('\r\nfour');
    expect(s.next(screen('', '', ''), 'none')).toBe('');
    expect(s.next(screen('Debian', '', 'login:'), { row: 2, col: 7 })).toBe('\r\nDebian\r\nlogin: ');
  });

  it('joins a row written to the last column with the row it wrapped into', () => {
    const s = new ScreenStream();
    const pad = (l: string) => l.padEnd(10, ' ');
    expect(s.next(['# echo', '0123456789', 'ab', ''].map(pad), 'none', 10)).toBe(
      '\r\n# echo\r\n0123456789ab',
    );
  });

  it('holds back unknown glyphs ending a row until a read shows them again, so a row still being painted is not rewritten', () => {
    const s = new ScreenStream();
    const u = '\uFFFD';
    expect(s.next(screen('# echo', `> abc${u}`), 'none')).toBe('\r\n# echo\r\n> abc');
    expect(s.pending).toBe(true);
    // Painted: only the rest goes out, no rewrite of the row.
    expect(s.next(screen('# echo', '> abcdef'), 'none')).toBe('def');
    expect(s.pending).toBe(false);
    // A glyph that stays unknown goes out once a second read shows the same row.
    expect(s.next(screen('# echo', `> abcdef${u}`), 'none')).toBe('');
    expect(s.next(screen('# echo', `> abcdef${u}`), 'none')).toBe(u);
  });

  it('marks output that scrolled away unread instead of passing the gap off as output', () => {
    const s = new ScreenStream();
    // '2' is not the start of '298': only the last row grows in place.
    s.next(screen('2', '# cat words', 'alpha', 'beta'), 'none');
    expect(s.next(screen('298', 'yankee', 'zulu', '#'), 'none')).toBe(
      `\r\n${LOST_OUTPUT}\r\n298\r\nyankee\r\nzulu\r\n#`,
    );
    expect(s.losses).toBe(1);
    // A cleared screen is not a loss.
    expect(s.next(screen('', '', ''), 'none')).toBe('');
    expect(s.losses).toBe(1);
  });
});

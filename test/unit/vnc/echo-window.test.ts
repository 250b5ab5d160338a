import { describe, expect, it } from 'vitest';
import { EchoWindow, shownChars } from '../../../src/console/vnc/echo-window.js';

describe('EchoWindow (typing paced by the echo)', () => {
  it('keeps the scancode bytes typed ahead of the echo within the budget', async () => {
    const w = new EchoWindow(12, 10_000);
    for (let i = 0; i < 6; i++) await w.beforeKey(2); // 12 bytes: full
    let typed = false;
    const next = w.beforeKey(4).then(() => (typed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(typed).toBe(false);
    w.echoed(1); // 10 bytes ahead: 4 more do not fit yet
    await new Promise((r) => setTimeout(r, 20));
    expect(typed).toBe(false);
    w.echoed(1);
    await next;
    expect(typed).toBe(true);
  });

  it('goes on after silenceMs when nothing echoes (a password)', async () => {
    const w = new EchoWindow(4, 30);
    const started = Date.now();
    for (let i = 0; i < 6; i++) await w.beforeKey(2);
    expect(w.silences).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('counts what a stream chunk shows: escapes not, a line break once', () => {
    expect(shownChars('\r\nab\r\x1b[Kabc')).toBe(6);
  });
});

import { describe, expect, it } from 'vitest';
import { Screen } from '../../../src/console/screen.js';

describe('Screen (@xterm/headless)', () => {
  it('renders after the write callback, joining soft-wrapped rows', async () => {
    const screen = new Screen(20, 5);
    await screen.write('line one\r\n' + 'x'.repeat(25) + '\r\nweb01 login: ');
    expect(screen.lines()).toEqual(['line one', 'x'.repeat(25), 'web01 login: ']);
    expect(screen.cursorLine()).toBe('web01 login: ');
    expect(screen.summary(1)).toBe('web01 login:');
    screen.dispose();
  });

  it('answers a cursor position query through onReply', async () => {
    const screen = new Screen();
    const replies: string[] = [];
    screen.onReply((r) => replies.push(r));
    await screen.write('\x1b[3;7H\x1b[6n');
    expect(replies.join('')).toBe('\x1b[3;7R');
    screen.dispose();
  });
});

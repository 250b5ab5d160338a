import { describe, expect, it } from 'vitest';
import { withInterrupts } from '../../../src/cli/interrupt.js';
import { EXIT_CODES } from '../../../src/errors/codes.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';

describe('withInterrupts', () => {
  it('a first signal aborts the run with rescue.interrupted naming it; a second abandons with exit 130', async () => {
    const said: string[] = [];
    const exits: number[] = [];
    let seen: unknown;
    const result = await withInterrupts(
      { lang: 'en', stderr: (t) => said.push(t), exit: (code) => exits.push(code) },
      async (signal) => {
        process.emit('SIGTERM');
        expect(signal.aborted).toBe(true);
        seen = signal.reason;
        process.emit('SIGINT');
        return 'finished';
      },
    );
    expect(result).toBe('finished');
    expect(isRescueError(seen) && seen.code === 'rescue.interrupted' && seen.params.signal).toBe('SIGTERM');
    expect(exits).toEqual([EXIT_CODES.interrupted]);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/SIGTERM: stopping safely/);
    expect(said[1]).toMatch(/SIGINT again: abandoned at once/);
  });

  it('removes its handlers afterwards', async () => {
    const before = process.listenerCount('SIGHUP');
    await withInterrupts({ lang: 'ja', stderr: () => undefined, exit: () => undefined }, async () => {
      expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    });
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});

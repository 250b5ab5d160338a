import { describe, expect, it } from 'vitest';
import { lineCosts, typedSizes } from '../../bench/typed-size.js';

/**
 * Bytes typed do not depend on the machine (times do, and are never asserted): the scripts a rescue
 * of the story types are held to caps here, so a change that makes them grow shows up at once.
 * The bench (docs/benchmarks.md) measures the whole rescue, command lines included.
 */
describe('bytes typed for the story’s rescue (scripts, as the console upload compresses them)', () => {
  const s = typedSizes();

  it('the collector, and each transaction continuing its gzip stream, stay under their caps', () => {
    expect(s.collector.typed.z85).toBeLessThanOrEqual(2250);
    expect(s.keyRepair.typed.z85).toBeLessThanOrEqual(1160);
    expect(s.window.typed.z85).toBeLessThanOrEqual(2455);
  });

  it('the search for misplaced key files stays small: its lines cost under 200 typed bytes together', () => {
    const costs = lineCosts('collector');
    const search = costs.filter(
      (c) => c.line.startsWith('find "$h" -maxdepth 3') || c.line.startsWith('m E;for f in /root/.ssh/'),
    );
    expect(search).toHaveLength(2);
    const typed = search.reduce((sum, c) => sum + c.typed, 0);
    expect(typed).toBeGreaterThan(0);
    expect(typed).toBeLessThan(200);
  });

  it('Z85 types about 6 % less than base64, where the server decodes it', () => {
    for (const x of [s.collector, s.keyRepair, s.window]) {
      expect(x.typed.z85).toBeLessThan(x.typed.base64 * 0.95);
      expect(x.gzip).toBeLessThan(x.script);
    }
  });
});

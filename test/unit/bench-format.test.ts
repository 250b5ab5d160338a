import { describe, expect, it } from 'vitest';
import { EXPECT_SCRIPT } from '../../bench/baseline-expect.js';
import {
  countCell,
  msCell,
  mainTable,
  ratioCell,
  replaceResults,
  RESULTS_MARKER,
  timeCell,
} from '../../bench/report.js';
import {
  median,
  projectSlowMs,
  ratio,
  stepDurations,
  summarize,
  summarizeSteps,
  type RunCost,
} from '../../bench/stats.js';
import { PASSWORDS } from '../../lab/index.js';

const run = (ms: number, bytesTyped: number, roundTrips: number): RunCost => ({
  ms,
  bytesTyped,
  roundTrips,
  commands: 1,
});

describe('bench statistics', () => {
  it('median of odd and even counts, unsorted input left untouched', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/no values/);
  });

  it('summarize gives median, min, max and count', () => {
    expect(summarize([200, 100, 400, 300, 250])).toEqual({ median: 250, min: 100, max: 400, n: 5 });
  });

  it('slow-console projection: + 100 ms per round trip + typed bytes at 960 B/s', () => {
    expect(projectSlowMs(run(1000, 960, 10))).toBe(3000);
    expect(projectSlowMs(run(187, 149, 4))).toBeCloseTo(187 + 400 + 155.208, 2);
    expect(projectSlowMs(run(0, 0, 0))).toBe(0);
  });

  it('ratio against a baseline, which must be positive', () => {
    expect(ratio(600, 200)).toBe(3);
    expect(() => ratio(1, 0)).toThrow(/positive/);
    expect(() => ratio(1, NaN)).toThrow(/positive/);
  });

  it('timeline marks become consecutive stretches from the call to the return', () => {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const steps = stepDurations(
      start,
      [
        { at: '2026-01-01T00:00:00.010Z', step: 'connect' },
        { at: '2026-01-01T00:00:00.250Z', step: 'login' },
      ],
      start + 1000,
    );
    expect(steps).toEqual([
      { name: 'call→connect', ms: 10 },
      { name: 'connect→login', ms: 240 },
      { name: 'login→return', ms: 750 },
    ]);
    expect(summarizeSteps([steps, [{ name: 'call→connect', ms: 30 }]])[0]).toEqual({
      name: 'call→connect',
      ms: { median: 20, min: 10, max: 30, n: 2 },
    });
  });
});

describe('bench table', () => {
  it('cells show the median and the range only when runs differ', () => {
    expect(timeCell(summarize([1234]))).toBe('1.23 s');
    expect(timeCell(summarize([1000, 1500, 2000]))).toBe('1.50 s (1.00–2.00)');
    expect(countCell(summarize([65, 65]))).toBe('65');
    expect(countCell(summarize([10, 11]))).toBe('10.5 (10–11)');
    expect(ratioCell(900, 200)).toBe('×4.5');
    expect(msCell(summarize([1.25, 1, 6]))).toBe('1.3 ms (1.0–6.0)');
    expect(msCell(summarize([12, 8, 210]))).toBe('12 ms (8.0–210)');
    expect(msCell(summarize([-3.2]))).toBe('-3.2 ms');
  });

  it('rows are compared with the baseline median, measured and projected', () => {
    const baseline = [run(200, 150, 4), run(180, 150, 4), run(220, 150, 4)];
    const table = mainTable(baseline, [{ label: 'Rescue', runs: [run(800, 960, 10)] }]);
    const [header, , base, rescue] = table.split('\n');
    expect(header).toMatch(/^\| Run \| Time/);
    expect(base).toMatch(
      /^\| Baseline: bare `expect` script \| 0\.20 s \(0\.18–0\.22\) \| ×1\.0 \| 150 \| 4 \| 1 \|/,
    );
    // 800 ms is 4× the 200 ms median; projected 800 + 1000 + 1000 = 2.80 s against 200 + 400 + 156.25.
    expect(rescue).toBe(
      `| Rescue | 0.80 s | ×4.0 | 960 | 10 | 1 | 2.80 s | ×${(2800 / 756.25).toFixed(1)} |`,
    );
  });

  it('--write replaces only what follows the marker, and adds the marker once', () => {
    const top = '# Benchmarks\n\nHand-written.\n\n';
    const first = replaceResults(top, 'old table\n');
    expect(first).toBe(`${top}${RESULTS_MARKER}\n\nold table\n`);
    const second = replaceResults(first, 'new table\n');
    expect(second).toBe(`${top}${RESULTS_MARKER}\n\nnew table\n`);
    expect(second.split(RESULTS_MARKER)).toHaveLength(2);
  });
});

describe('the baseline expect script', () => {
  it('gets the root password from the environment, never in its text or argv', () => {
    expect(EXPECT_SCRIPT).not.toContain(PASSWORDS.root);
    expect(EXPECT_SCRIPT).toContain('$env(VPS_BENCH_PW)');
    // The printf keeps its backslashes for the server (Tcl braces), so the drop-in gets real line breaks.
    expect(EXPECT_SCRIPT).toContain(String.raw`printf 'Match User alice\n\tPasswordAuthentication yes\n'`);
  });
});

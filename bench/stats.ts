/** Pure numbers for the benchmark: summaries, ratios and the slow-console projection. */

/** What one measured run cost on the console. */
export interface RunCost {
  ms: number;
  bytesTyped: number;
  roundTrips: number;
  commands: number;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The middle of the 50–200 ms a real provider console adds per round trip. */
export const SLOW_ROUND_TRIP_MS = 100;
/** 9600 baud, 8N1: ten bits on the wire per byte. */
export const SERIAL_BYTES_PER_SECOND = 960;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/**
 * The same run on a slow provider console: every round trip waits for the provider's latency, and every
 * typed byte crosses a 9600-baud line. Output bytes are left out, so for a console whose output also
 * runs at serial speed this is a lower bound.
 */
export function projectSlowMs(run: Pick<RunCost, 'ms' | 'roundTrips' | 'bytesTyped'>): number {
  return run.ms + run.roundTrips * SLOW_ROUND_TRIP_MS + (run.bytesTyped / SERIAL_BYTES_PER_SECOND) * 1000;
}

export function ratio(value: number, baseline: number): number {
  if (!(baseline > 0)) throw new Error(`baseline must be positive, got ${baseline}`);
  return value / baseline;
}

/** A stretch of a rescue between two timeline marks. */
export interface StepTime {
  name: string;
  ms: number;
}

/**
 * The rescue's timeline as consecutive stretches: `call→connect`, `connect→login`, …, `<last>→return`.
 * Each mark is set when a stage ends (the change marks when it starts), so a stretch is named by the
 * marks around it rather than by a stage.
 */
export function stepDurations(
  startMs: number,
  timeline: readonly { at: string; step: string }[],
  endMs: number,
): StepTime[] {
  const steps: StepTime[] = [];
  let prev = { name: 'call', at: startMs };
  for (const entry of timeline) {
    const at = Date.parse(entry.at);
    steps.push({ name: `${prev.name}→${entry.step}`, ms: at - prev.at });
    prev = { name: entry.step, at };
  }
  steps.push({ name: `${prev.name}→return`, ms: endMs - prev.at });
  return steps;
}

/** Per stretch name (in first-seen order), the summary over all runs that had it. */
export function summarizeSteps(runs: readonly (readonly StepTime[])[]): { name: string; ms: Summary }[] {
  const byName = new Map<string, number[]>();
  for (const run of runs) for (const s of run) byName.set(s.name, [...(byName.get(s.name) ?? []), s.ms]);
  return [...byName].map(([name, values]) => ({ name, ms: summarize(values) }));
}

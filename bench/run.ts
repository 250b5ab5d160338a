import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { parseArgs } from 'node:util';
import { bootScenario, labAvailability, type BootedScenario } from '../lab/index.js';
import { runBaseline } from './baseline-expect.js';
import { measureConsole } from './console.js';
import { renderResults, replaceResults, type BenchResults } from './report.js';
import { runRescueDirect, runRescueViaConoha } from './rescue.js';
import type { RunCost } from './stats.js';

// `npm run bench -- --reps 5 --write`: the bar (a bare expect script) and the rescue, measured in one run.
const SCENARIO = 'story-wrong-dir';
const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const EXIT_LAB_UNAVAILABLE = 9;

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, write: { type: 'boolean', default: false } },
});
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`bench: --reps must be a whole number ≥ 1, got ${values.reps}`);
  process.exit(2);
}

const lab = labAvailability();
const missing = ['expect', 'socat'].filter((cmd) => !hasCommand(cmd));
if (!lab.ok || missing.length > 0) {
  const reason = lab.ok ? `missing ${missing.join(', ')} (run npm run bootstrap as root)` : lab.reason;
  console.error(`bench: the lab is not available here: ${reason}`);
  process.exit(EXIT_LAB_UNAVAILABLE);
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: new URL('..', import.meta.url) });
  } catch {
    return '';
  }
}

let current: BootedScenario | undefined;
process.once('SIGINT', () => {
  console.error('bench: interrupted, destroying the lab server');
  void (current?.server.destroy() ?? Promise.resolve()).finally(() => process.exit(130));
});

/** Boots a fresh scenario server, measures one thing on it, always destroys it; boot time is not measured. */
async function onFreshServer<T>(what: string, measure: (b: BootedScenario) => Promise<T>): Promise<T> {
  const b = await bootScenario(SCENARIO);
  current = b;
  try {
    const result = await measure(b);
    const ms = (result as Partial<RunCost>).ms;
    console.error(`bench: ${what}${ms === undefined ? '' : `: ${ms} ms`}`);
    return result;
  } finally {
    current = undefined;
    await b.server.destroy();
  }
}

const results: Omit<BenchResults, 'micro'> = {
  reps,
  command: `npm run bench -- --reps ${reps}${values.write ? ' --write' : ''}`,
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  machine: {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    kernel: release(),
  },
  source: {
    commit: git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown',
    dirty: git(['status', '--porcelain', '--', 'src', 'providers', 'lab'])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3)),
  },
  baseline: [],
  rescueWindow: [],
  rescueKey: [],
  conoha: [],
};
const failures: string[] = [];
const attempt = async <T>(what: string, into: T[], measure: (b: BootedScenario) => Promise<T>) => {
  try {
    into.push(await onFreshServer(what, measure));
  } catch (err) {
    failures.push(`${what}: ${(err as Error).message}`);
    console.error(`bench: FAILED ${what}: ${(err as Error).message}`);
  }
};

// Interleaved, so a slow spell on the machine hits every kind of run alike.
for (let i = 1; i <= reps; i++) {
  await attempt(`baseline ${i}/${reps}`, results.baseline, (b) => runBaseline(b.server));
  await attempt(`rescue, password window ${i}/${reps}`, results.rescueWindow, (b) =>
    runRescueDirect(b, 'password-window'),
  );
  await attempt(`rescue, key repair ${i}/${reps}`, results.rescueKey, (b) =>
    runRescueDirect(b, 'key-repair'),
  );
  await attempt(`rescue via ConoHa ${i}/${reps}`, results.conoha, (b) => runRescueViaConoha(b));
}
const micro = await onFreshServer('console engine micro', (b) => measureConsole(b.server));

if (failures.length > 0) {
  console.error(`bench: ${failures.length} run(s) failed; no results written:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
const markdown = renderResults({ ...results, micro });
process.stdout.write(markdown);
if (values.write) {
  const doc = await readFile(DOC, 'utf8').catch(() => '# Benchmarks\n');
  await writeFile(DOC, replaceResults(doc, markdown));
  console.error(`bench: results written to docs/benchmarks.md`);
}

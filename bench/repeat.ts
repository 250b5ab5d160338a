import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

// `npm run repeat -- --runs 20 test/lab/x.test.ts [-t 'name']`: runs the same tests again and again, one
// run after another, and says how many passed: a flake fixed is one that passes every run. Not for CI.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '20' },
    t: { type: 'string' },
    'keep-going': { type: 'boolean' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || positionals.length === 0) {
  console.error('usage: npm run repeat -- [--runs N] [--keep-going] <test file>… [-t <name>]');
  process.exit(2);
}

const failed: number[] = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const r = spawnSync('npx', ['vitest', 'run', ...positionals, ...(values.t ? ['-t', values.t] : [])], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = /^\s*Tests\s+(.*)$/m.exec(plain)?.[1]?.trim() ?? `exit ${r.status ?? r.signal}`;
  console.log(`run ${run}/${runs}: ${r.status === 0 ? 'passed' : 'FAILED'} (${summary}, ${seconds} s)`);
  if (r.status !== 0) {
    failed.push(run);
    console.log(plain.slice(-4000));
    if (!values['keep-going']) break;
  }
}
const done = failed.length === 0 ? runs : values['keep-going'] ? runs : failed[0]!;
console.log(
  `${done - failed.length} of ${done} runs passed${failed.length ? `; failed: run ${failed.join(', ')}` : ''}`,
);
process.exit(failed.length === 0 ? 0 : 1);

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource, REPO, sourceFiles } from '../../support/source-scan.js';

const state = mkdtempSync(join(tmpdir(), 'vr-lab-state-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

// Two separate processes, as two test workers are: each must get its own helper file.
function askpassOf(): string {
  const r = spawnSync(
    'npx',
    [
      'tsx',
      '-e',
      "import('./lab/ssh-login.ts').then(async (m) => console.log(await m.askpassScript(), await m.askpassScript()))",
    ],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, VPS_RESCUE_LAB_STATE: state } },
  );
  expect(r.status, r.stderr).toBe(0);
  const [first, again] = r.stdout.trim().split(' ');
  expect(again).toBe(first);
  return first!;
}

describe('lab files shared between processes', () => {
  it('the ssh askpass helper has a per-process name, and goes with its process', () => {
    const one = askpassOf();
    const two = askpassOf();
    expect(one).toMatch(new RegExp(`^${state}/keys/\\d+/askpass\\.sh$`));
    expect(two).not.toBe(one);
    expect(readdirSync(join(state, 'keys'))).toEqual([]);
  }, 60_000);

  it('no lab or test file names a fixed file in the lab state or cache directories', () => {
    // join(LAB_STATE, 'keys', 'askpass.sh') was one such name: every process wrote and ran it.
    const fixed = /join\(\s*(?:LAB_STATE|LAB_CACHE)(?:\s*,\s*'[^']*')*\s*,\s*'[^'/]*\.[a-z]+'\s*\)/;
    const offenders = sourceFiles('lab', 'test', 'bench')
      .filter((file) => file !== 'test/unit/lab/per-process-files.test.ts')
      .filter((file) => fixed.test(readSource(file)));
    expect(offenders).toEqual([]);
    expect(fixed.test("join(LAB_STATE, 'keys', 'askpass.sh')")).toBe(true);
  });
});

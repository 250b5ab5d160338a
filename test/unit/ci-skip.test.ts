import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (env: NodeJS.ProcessEnv) =>
  spawnSync('npx', ['vitest', 'run', '--config', 'test/fixtures/ci-skip/vitest.config.ts'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

describe('a skipped test under CI=true fails the run', () => {
  it('fails with CI=true and names the skipped test', () => {
    const r = run({ CI: 'true' });
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('skipped — failing the run');
    expect(r.stderr + r.stdout).toContain('fixture > is skipped');
  });

  it('passes outside CI but still lists the skip', () => {
    const r = run({ CI: '' });
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toContain('under CI=true this fails the run');
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandLine } from '../../../lab/command-line.js';

describe('the command line the demo prints', () => {
  it('is read back by a shell as exactly the arguments that run', () => {
    const args = [
      '--endpoint',
      'http://127.0.0.1:3/conoha/identity/v3',
      '--out',
      "/tmp/it's here",
      '--x',
      '',
    ];
    const line = commandLine('vps-rescue', args);
    const r = spawnSync(
      'sh',
      ['-c', `vps_rescue() { printf '%s\\n' "$@"; }; ${line.replace(/^vps-rescue/, 'vps_rescue')}`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('is built from the same argument list the demo runs, with the secrets as variable names', () => {
    const demo = readFileSync(new URL('../../../lab/demo.ts', import.meta.url), 'utf8');
    expect(demo).toMatch(/commandLine\('vps-rescue', args\)/);
    expect(demo).toMatch(/await cli\(args, /);
    // The passwords reach the CLI only through the environment.
    expect(demo).not.toMatch(/args[^;]*PASSWORDS\./);
  });
});

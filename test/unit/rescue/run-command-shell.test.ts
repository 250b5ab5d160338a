import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, RunCommandOptions, ServerRef } from '../../../providers/types.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';
import { runCommandShell } from '../../../src/rescue/shells/run-command-shell.js';

const SERVER: ServerRef = {
  provider: 'fake',
  id: '100',
  name: 'web01',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: [], ipv6: [] },
};

const SECRET = 'Canary-pw-7f3a91c2';

/**
 * A guest agent that runs argv on this machine, stdin as given: what the adapter hands over is
 * executed for real, so the programs the shell builds are tested by sh itself.
 */
function localAgent(mangle?: (input: string) => string) {
  const calls: { argv: string[]; input?: string }[] = [];
  const adapter = {
    id: 'fake',
    runCommand(_s: ServerRef, argv: string[], o: RunCommandOptions = {}): Promise<CommandResult> {
      const input = o.input === undefined ? undefined : mangle ? mangle(o.input) : o.input;
      calls.push({ argv, input });
      return new Promise((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
        child.stdin.end(input ?? '');
      });
    },
  };
  return { adapter, calls };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vr-rcs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('run-command shell', () => {
  it('run: one sh per command, stderr joined to stdout, the exit code kept', async () => {
    const { adapter, calls } = localAgent();
    const shell = runCommandShell({ adapter, server: SERVER, via: 'guest agent (fake)' });
    const r = await shell.run('echo out; echo err >&2; exit 3');
    expect(r).toEqual({ stdout: 'out\nerr\n', exitCode: 3 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv).toEqual(['/bin/sh']);
    expect(shell.counters?.commands).toBe(1);
  });

  it('run: a command that reads stdin does not swallow the rest of the program', async () => {
    const { adapter } = localAgent();
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    const r = await shell.run('cat; echo after-cat');
    expect(r.stdout).toBe('after-cat\n');
    expect(r.exitCode).toBe(0);
  });

  it('runScript: writes the script verbatim, runs it with env, then `after`; secrets only on stdin', async () => {
    const { adapter, calls } = localAgent();
    const transcript = join(dir, 't.jsonl');
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x', transcript });
    const path = join(dir, 'work', 's.sh');
    const script = `echo "pw=$VRPW"\necho '$HOME stays' "it's"\nexit 4`;
    const r = await shell.runScript({
      path,
      script,
      env: { VRPW: SECRET },
      before: `mkdir -p ${dir}/work`,
      after: 'echo after-ran; [ -z "$VRPW" ] && echo env-not-in-after',
    });
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe(`pw=${SECRET}\n$HOME stays it's\nafter-ran\nenv-not-in-after\n`);
    expect(readFileSync(path, 'utf8')).toBe(`${script}\n`);
    // The secret travels on stdin only: never in argv, never in the transcript.
    expect(calls[0]!.argv).toEqual(['/bin/sh']);
    expect(calls[0]!.input).toContain(SECRET);
    const written = readFileSync(transcript, 'utf8');
    expect(written).toContain('VRPW');
    expect(written).not.toContain(SECRET);
    await shell.close();
  });

  it('runScript: a damaged transfer runs nothing and is console.upload-failed', async () => {
    // One byte of the script changes on the way: sha256 in the guest no longer matches.
    const { adapter } = localAgent((input) => input.replace('touch', 'tonch'));
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    const flag = join(dir, 'ran');
    const err = await shell
      .runScript({ path: join(dir, 's.sh'), script: `touch ${flag}\ntouch ${flag}-2\n` })
      .catch((e: unknown) => e);
    expect(isRescueError(err) && err.code).toBe('console.upload-failed');
    expect(existsSync(flag)).toBe(false);
    expect(existsSync(`${flag}-2`)).toBe(false);
  });

  it('runScript: a path that cannot be written is console.upload-failed', async () => {
    const { adapter } = localAgent();
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    const err = await shell
      .runScript({ path: join(dir, 'missing-dir', 's.sh'), script: 'echo hi' })
      .catch((e: unknown) => e);
    expect(isRescueError(err) && err.code).toBe('console.upload-failed');
  });

  it('runScript: output without the end marker (channel cut) is console.command-failed', async () => {
    const adapter = {
      id: 'fake',
      runCommand: async (): Promise<CommandResult> => ({ exitCode: 0, stdout: 'partial', stderr: '' }),
    };
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    const err = await shell.runScript({ path: '/tmp/x.sh', script: 'true' }).catch((e: unknown) => e);
    expect(isRescueError(err) && err.code).toBe('console.command-failed');
  });

  it('runScript: an env name that is no shell name is refused before anything is sent', async () => {
    const { adapter, calls } = localAgent();
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    await expect(
      shell.runScript({ path: join(dir, 's.sh'), script: 'true', env: { 'A;rm': 'x' } }),
    ).rejects.toThrow(/environment variable name/);
    expect(calls).toHaveLength(0);
  });

  it('passes vendor errors through unchanged', async () => {
    const adapter = {
      id: 'fake',
      runCommand: async (): Promise<CommandResult> => {
        throw new Error('agent gone');
      },
    };
    const shell = runCommandShell({ adapter, server: SERVER, via: 'x' });
    await expect(shell.run('true')).rejects.toThrow('agent gone');
  });
});

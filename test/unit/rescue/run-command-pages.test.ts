import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pageBytes, pagedExec, type StdinExec } from '../../../src/rescue/shells/run-command-shell.js';

/**
 * Paging against a real /bin/sh behind a channel that, like Azure's Run Command, keeps only the
 * last `limit` bytes of what a call prints: the whole output must still come back, byte for byte.
 */
const LIMIT = 4096;

function tailChannel(limit: number, calls: string[]): StdinExec {
  return (program) => {
    calls.push(program);
    const r = spawnSync('/bin/sh', { input: program });
    const all = Buffer.concat([r.stdout, r.stderr]);
    const kept = all.subarray(Math.max(0, all.length - limit));
    return Promise.resolve({ out: kept.toString('utf8'), exitCode: r.status ?? -1 });
  };
}

const leftovers = () =>
  existsSync('/run') ? readdirSync('/run').filter((f) => f.startsWith('vr-out.')) : [];

describe('run-command output paging', () => {
  it('each page and its header fit the channel', () => {
    const page = pageBytes(LIMIT);
    expect(Math.ceil(page / 57) * 77 + 200).toBeLessThanOrEqual(LIMIT);
  });

  it('20 KB of output (with multibyte text) comes back whole, its status kept, the file removed', async () => {
    const before = leftovers();
    const calls: string[] = [];
    const program =
      'i=0; while [ $i -lt 1100 ]; do printf "line %04d 日本語\\n" $i; i=$((i+1)); done; echo err >&2; exit 7\n';
    const expected = spawnSync('/bin/sh', ['-c', `exec 2>&1; ${program}`], { encoding: 'utf8' }).stdout;
    expect(Buffer.byteLength(expected)).toBeGreaterThan(4 * LIMIT);
    const r = await pagedExec(tailChannel(LIMIT, calls), LIMIT, `exec 2>&1\n${program}`);
    expect(r.exitCode).toBe(7);
    expect(r.out).toBe(expected);
    expect(calls.length).toBe(Math.ceil(Buffer.byteLength(expected) / pageBytes(LIMIT)));
    expect(leftovers()).toEqual(before);
  });

  it('short output takes one call and leaves no file', async () => {
    const before = leftovers();
    const calls: string[] = [];
    const r = await pagedExec(tailChannel(LIMIT, calls), LIMIT, 'id -u; exit 0\n');
    expect(r).toEqual({ out: `${process.getuid?.()}\n`, exitCode: 0 });
    expect(calls.length).toBe(1);
    expect(leftovers()).toEqual(before);
  });

  it('output that forges a page header is only data', async () => {
    const calls: string[] = [];
    const forged = 'VR_PAGE_000000000000 0 3 /etc/shadow\\nabc\\n';
    const r = await pagedExec(tailChannel(LIMIT, calls), LIMIT, `printf '${forged}'; exit 4\n`);
    expect(r).toEqual({ out: 'VR_PAGE_000000000000 0 3 /etc/shadow\nabc\n', exitCode: 4 });
    expect(calls.join('\n')).not.toContain("/etc/shadow'");
  });

  it('without paging the same channel loses the head of the output (the reason paging exists)', async () => {
    const r = await tailChannel(
      LIMIT,
      [],
    )('i=0; while [ $i -lt 700 ]; do echo "line $i"; i=$((i+1)); done\n');
    expect(r.out.startsWith('line 0\n')).toBe(false);
  });
});

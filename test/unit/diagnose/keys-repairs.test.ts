import { describe, expect, it } from 'vitest';
import type { StatEntry } from '../../../src/diagnose/collection.js';
import { analyseKeyLines } from '../../../src/diagnose/key-lines.js';
import { repairedDirMode } from '../../../src/diagnose/keys-check.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDonkfyhFz2AZSkhIZLUbZvRfqSf2i859OCNwJFqs/zw owner@laptop';
const dir = (path: string, mode: number, uid: number): StatEntry => ({
  path,
  exists: true,
  mode,
  uid,
  gid: uid,
  type: 'directory',
});

describe('repair modes', () => {
  it('never keep a setuid, setgid or sticky bit, nor write for group/other', () => {
    expect(repairedDirMode(dir('/home/alice/.ssh', 0o4777, 1000), '/home/alice', 1000)).toBe('700');
    expect(repairedDirMode(dir('/home/alice/.ssh', 0o2775, 1000), '/home/alice', 1000)).toBe('700');
    expect(repairedDirMode(dir('/home/alice', 0o7777, 1000), '/home/alice', 1000)).toBe('755');
    expect(repairedDirMode(dir('/home/alice', 0o2770, 1000), '/home/alice', 1000)).toBe('750');
    // A root-owned .ssh must stay searchable for the user sshd reads it as.
    expect(repairedDirMode(dir('/home/alice/.ssh', 0o1777, 0), '/home/alice', 1000)).toBe('755');
  });
});

describe('key options', () => {
  it('a from= without the checking address leaves the key valid, with a note and no edit', () => {
    const r = analyseKeyLines('/k', [`from="10.9.9.9" ${KEY}`], '203.0.113.5');
    expect(r.valid.map((v) => v.line)).toEqual([1]);
    expect(r.problems).toEqual([
      expect.objectContaining({
        cause: 'keys.from-mismatch',
        fix: { op: 'manual' },
        params: { from: '10.9.9.9', address: '203.0.113.5' },
      }),
    ]);
  });

  it('an unknown option is dropped, the known ones are kept and named for the report', () => {
    const r = analyseKeyLines('/k', [`no-pty,bogus-option,command="uptime" ${KEY}`], '127.0.0.1');
    expect(r.problems).toEqual([
      expect.objectContaining({
        cause: 'keys.bad-option',
        fix: { op: 'replace-line', path: '/k', line: 1, text: `no-pty,command="uptime" ${KEY}` },
        params: { kept: 'no-pty,command="uptime"' },
      }),
    ]);
  });
});

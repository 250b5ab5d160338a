import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { parseConfirmWithin } from '../../../src/cli/ssh-input.js';

const dir = mkdtempSync(join(tmpdir(), 'vr-pf-'));
const identity = join(dir, 'id');
writeFileSync(identity, '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
writeFileSync(join(dir, 'bad name.conf'), 'PasswordAuthentication no\n');

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { ...env } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// 192.0.2.1 (TEST-NET-1): a server would only be touched after every input passed.
const base = ['--host', '192.0.2.1', '--user', 'alice', '--identity', identity];

describe('preflight/harden input: one line, exit 2, before any connection', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['preflight', '--host', '192.0.2.1', '--user', 'alice'], /needs --identity FILE, an SSH agent/],
    [['preflight', ...base, '--host-key', 'MD5:aa'], /--host-key must be a SHA256 fingerprint/],
    [
      ['preflight', ...base, '--config', identity, '--dropin', identity],
      /--config.*--dropin|--dropin.*--config/,
    ],
    [['preflight', ...base, '--dropin', join(dir, 'bad name.conf')], /drop-in must be named like NAME.conf/],
    [['preflight', ...base, '--config', join(dir, 'missing')], /missing/],
    [['preflight', ...base, '--password-env', 'NOPE'], /NOPE/],
    [['harden', ...base, '--confirm-within', '0'], /--confirm-within must be whole minutes/],
    [['harden', '--host', '192.0.2.1', '--user', 'Root!', '--identity', identity], /not a user name/],
    [['preflight', ...base, '--endpoint', 'http://127.0.0.1:1'], /--provider/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('an unknown host key is refused before any credential is sent (one line, exit 41)', async () => {
    // The lab has no server here: a closed port is exit 40, never a stack trace.
    const r = await run([
      'preflight',
      '--host',
      '127.0.0.1',
      '--ssh-port',
      '1',
      '--user',
      'alice',
      '--identity',
      identity,
    ]);
    expect(r.code).toBe(40);
    expect(r.err).toMatch(/^vps-rescue: cannot reach SSH on 127\.0\.0\.1 port 1: .*\[ssh\.connect\]$/);
  });

  it('--confirm-within: minutes, or seconds written 90s', () => {
    expect(parseConfirmWithin(undefined)).toBe(300);
    expect(parseConfirmWithin('2')).toBe(120);
    expect(parseConfirmWithin('45s')).toBe(45);
    expect(() => parseConfirmWithin('5s')).toThrow();
    expect(() => parseConfirmWithin('61')).toThrow();
    expect(() => parseConfirmWithin('1.5')).toThrow();
  });
});

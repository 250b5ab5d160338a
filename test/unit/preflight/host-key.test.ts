import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  hostKeyCheck,
  knownHostsName,
  knownKeysFor,
} from '../../../src/preflight/host-key.js';

const blobA = randomBytes(51);
const blobB = randomBytes(51);
const b64 = (b: Buffer) => b.toString('base64');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('matches plain, bracketed-port, wildcard, negated and hashed host fields', () => {
    const text = [
      `# comment`,
      `203.0.113.7,vps ssh-ed25519 ${b64(blobA)}`,
      `[203.0.113.7]:2222 ssh-ed25519 ${b64(blobB)}`,
      `*.example.net,!bad.example.net ssh-rsa ${b64(blobB)}`,
      `${hashed('198.51.100.9')} ssh-ed25519 ${b64(blobA)}`,
      `@cert-authority * ssh-ed25519 ${b64(blobB)}`,
    ].join('\n');
    expect(knownKeysFor(text, knownHostsName('203.0.113.7', 22)).map((k) => k.blob)).toEqual([b64(blobA)]);
    expect(knownKeysFor(text, knownHostsName('203.0.113.7', 2222)).map((k) => k.blob)).toEqual([b64(blobB)]);
    expect(knownKeysFor(text, 'a.example.net')).toHaveLength(1);
    expect(knownKeysFor(text, 'bad.example.net')).toHaveLength(0);
    expect(knownKeysFor(text, '198.51.100.9')).toHaveLength(1);
    expect(knownKeysFor(text, '198.51.100.10')).toHaveLength(0);
  });

  it('accepts the known key, refuses another one (mismatch) and an unknown host (unknown)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `vps ssh-ed25519 ${b64(blobA)}\n@revoked old ssh-ed25519 ${b64(blobB)}\n`);
    const vps = hostKeyCheck({ kind: 'known-hosts', file }, 'vps', 22);
    expect(vps.algorithms).toEqual(['ssh-ed25519']);
    expect(vps.verify(blobA)).toMatchObject({ ok: true, fingerprint: fingerprintOf(blobA) });
    expect(vps.verify(blobB)).toMatchObject({ ok: false, problem: 'mismatch' });
    expect(hostKeyCheck({ kind: 'known-hosts', file }, 'other', 22).verify(blobA)).toMatchObject({
      ok: false,
      problem: 'unknown',
    });
    expect(hostKeyCheck({ kind: 'known-hosts', file }, 'old', 22).verify(blobB)).toMatchObject({
      problem: 'revoked',
    });
    expect(
      hostKeyCheck({ kind: 'known-hosts', file: join(dir, 'none') }, 'vps', 22).verify(blobA).problem,
    ).toBe('unknown');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a pinned fingerprint accepts exactly that key', () => {
    const pin = hostKeyCheck({ kind: 'fingerprint', value: fingerprintOf(blobA) }, 'vps', 22);
    expect(pin.verify(blobA).ok).toBe(true);
    expect(pin.verify(blobB)).toMatchObject({
      ok: false,
      problem: 'mismatch',
      fingerprint: fingerprintOf(blobB),
    });
    expect(fingerprintOf(blobA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

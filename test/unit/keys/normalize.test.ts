import { afterEach, describe, expect, it } from 'vitest';
import { normalizePublicKey } from '../../../src/keys/normalize.js';
import { fingerprint } from '../../../src/keys/authorized-keys.js';
import { clearSecretsForTest, mask } from '../../../src/secrets.js';
import { generateKey } from './keygen.js';

const ed = generateKey('ed25519', 'alice@laptop');
const rsa = generateKey('rsa', 'bob key with spaces');
const ecdsa = generateKey('ecdsa', 'carol');

function ok(input: string) {
  const r = normalizePublicKey(input);
  if (!r.ok) throw new Error(`expected a key, got ${r.problem}`);
  return r.key;
}

describe('normalizePublicKey', () => {
  afterEach(() => clearSecretsForTest());

  it.each([
    ['ed25519', ed],
    ['rsa', rsa],
    ['ecdsa', ecdsa],
  ])('accepts a clean %s key unchanged and matches ssh-keygen -l', (_name, k) => {
    const key = ok(k.pub + '\n');
    expect(key.line).toBe(k.pub);
    expect(key.repairs).toEqual([]);
    expect(fingerprint(key)).toBe(k.fingerprint);
  });

  it('reports the RSA modulus size', () => {
    expect(ok(rsa.pub).bits).toBe(2048);
  });

  it('strips a BOM and CRLF', () => {
    const key = ok('\uFEFF' + ed.pub + '\r\n');
    expect(key.line).toBe(ed.pub);
    expect(key.repairs).toEqual(['bom', 'cr']);
  });

  it('converts genuine RFC 4716 output of ssh-keygen -e, keeping the comment', () => {
    for (const k of [ed, rsa, ecdsa]) {
      const key = ok(k.rfc4716);
      expect(key.repairs).toContain('rfc4716');
      expect(fingerprint(key)).toBe(k.fingerprint);
    }
  });

  it('reads a PuTTY-style public key file with a Comment header and CRLF', () => {
    const body = ed.pub.split(' ')[1] ?? '';
    const lines = body.match(/.{1,64}/g) ?? [];
    const putty = [
      '---- BEGIN SSH2 PUBLIC KEY ----',
      'Comment: "eddsa-key-20240101"',
      ...lines,
      '---- END SSH2 PUBLIC KEY ----',
    ];
    const key = ok(putty.join('\r\n') + '\r\n');
    expect(key.comment).toBe('eddsa-key-20240101');
    expect(key.line.split(' ')[1]).toBe(body);
  });

  it('joins a line wrapped inside the base64 at any width', () => {
    for (const width of [60, 64, 70, 76]) {
      const wrapped = (rsa.pub.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n');
      const key = ok(wrapped);
      expect(key.line).toBe(rsa.pub);
      expect(key.repairs).toContain('joined-lines');
    }
  });

  it('joins a wrap that fell on the space before the comment', () => {
    const [type, b64, comment] = ed.pub.split(' ');
    const key = ok(`${type} ${b64}\n${comment}`);
    expect(key.line).toBe(ed.pub);
  });

  it('drops authorized_keys options in front of the key', () => {
    const key = ok(`from="10.0.0.1",no-pty ${ed.pub}`);
    expect(key.line).toBe(ed.pub);
    expect(key.repairs).toContain('options-dropped');
  });

  it('refuses a private key and masks it from then on', () => {
    const r = normalizePublicKey(ed.priv);
    expect(r).toEqual({ ok: false, problem: 'private-key' });
    const secretLine = ed.priv.split('\n')[1] ?? '';
    expect(mask(`log ${secretLine}`)).not.toContain(secretLine);
  });

  it('refuses a PuTTY private key', () => {
    const text = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\nAAAA\n';
    expect(normalizePublicKey(text)).toEqual({ ok: false, problem: 'private-key' });
  });

  it.each([
    ['', 'empty'],
    ['  \n\n', 'empty'],
    [`${ed.pub}\n${rsa.pub}`, 'multiple-keys'],
    ['ssh-ed25519 AAAA!!notbase64', 'bad-base64'],
    ['ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIA', 'unknown-type'],
  ])('rejects %j as %s', (input, problem) => {
    expect(normalizePublicKey(input)).toEqual({ ok: false, problem });
  });

  it('detects a truncated key and a type that does not match the blob', () => {
    const [, b64 = ''] = rsa.pub.split(' ');
    expect(normalizePublicKey(`ssh-rsa ${b64.slice(0, 200)}`)).toEqual({ ok: false, problem: 'truncated' });
    expect(normalizePublicKey(`ssh-ed25519 ${b64}`)).toEqual({ ok: false, problem: 'type-mismatch' });
  });
});

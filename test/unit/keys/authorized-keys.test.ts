import { describe, expect, it } from 'vitest';
import { optionValue, parseAuthorizedKeysLine, sameKey } from '../../../src/keys/authorized-keys.js';
import { fromAllows } from '../../../src/keys/from-pattern.js';
import { generateKey } from './keygen.js';

const ed = generateKey('ed25519');
const rsa = generateKey('rsa');

describe('parseAuthorizedKeysLine', () => {
  it('reads plain keys, keys with options, comments and blanks', () => {
    expect(parseAuthorizedKeysLine(ed.pub)).toMatchObject({ kind: 'key', type: 'ssh-ed25519' });
    const withOpts = parseAuthorizedKeysLine(
      `from="10.0.0.0/8,!10.1.2.3",command="echo \\"hi, there\\"" ${rsa.pub}`,
    );
    expect(withOpts).toMatchObject({ kind: 'key', type: 'ssh-rsa' });
    expect(withOpts.kind === 'key' && optionValue(withOpts.options ?? '', 'from')).toBe(
      '10.0.0.0/8,!10.1.2.3',
    );
    expect(parseAuthorizedKeysLine('# comment')).toEqual({ kind: 'comment' });
    expect(parseAuthorizedKeysLine('   ')).toEqual({ kind: 'blank' });
  });

  it('accepts a trailing CR (sshd does)', () => {
    expect(parseAuthorizedKeysLine(ed.pub + '\r').kind).toBe('key');
  });

  it.each([
    ['\uFEFF' + '<KEY>', 'bom'],
    ['---- BEGIN SSH2 PUBLIC KEY ----', 'rfc4716'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key'],
    ['no-agent-forwarding,bogus-option <KEY>', 'bad-option'],
    ['<HALF>', 'bad-key'],
    ['Comment: "rsa-key-20240101"', 'bad-key'],
  ])('classifies %j as %s', (line, reason) => {
    const input = line.replace('<HALF>', ed.pub.slice(0, 50)).replace('<KEY>', ed.pub);
    expect(parseAuthorizedKeysLine(input)).toEqual({ kind: 'bad', reason });
  });

  it('compares keys by material, not comment', () => {
    const a = parseAuthorizedKeysLine(ed.pub);
    const b = parseAuthorizedKeysLine(ed.pub.replace(/\S+$/, 'other-comment'));
    const c = parseAuthorizedKeysLine(rsa.pub);
    if (a.kind !== 'key' || b.kind !== 'key' || c.kind !== 'key') throw new Error('not keys');
    expect(sameKey(a, b)).toBe(true);
    expect(sameKey(a, c)).toBe(false);
  });
});

describe('fromAllows', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5', true],
    ['203.0.113.0/24', '203.0.113.77', true],
    ['203.0.113.0/24', '198.51.100.1', false],
    ['10.*,192.168.1.?', '192.168.1.7', true],
    ['10.*', '11.0.0.1', false],
    ['*,!203.0.113.5', '203.0.113.5', false],
    ['!203.0.113.5', '198.51.100.1', false],
    ['127.0.0.0/8', '127.0.1.3', true],
  ])('from="%s" with client %s → %s', (patterns, ip, expected) => {
    expect(fromAllows(patterns, ip)).toBe(expected);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretsForTest, mask, registerSecret } from '../../src/secrets.js';

describe('secret masking', () => {
  afterEach(() => clearSecretsForTest());

  it('masks every registered secret, also URL-encoded', () => {
    registerSecret('CANARY-pw/1+x');
    const text = 'typed CANARY-pw/1+x then url ?token=CANARY-pw%2F1%2Bx end';
    expect(mask(text)).toBe('typed *** then url ?token=*** end');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    registerSecret('abcd');
    registerSecret('abcdefgh');
    expect(mask('x abcdefgh y abcd')).toBe('x *** y ***');
  });

  it('ignores empty and very short values', () => {
    registerSecret('');
    registerSecret('ab');
    expect(mask('ab cd')).toBe('ab cd');
  });
});

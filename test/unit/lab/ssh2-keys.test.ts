import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ed25519KeyPair } from '../../../lab/ssh2-keys.js';

describe('ed25519KeyPair', () => {
  it('only hands out pairs ssh2 can read back (its generator spoils about 1 in 256)', () => {
    // 1500 pairs: with the plain generator at least one unreadable pair is all but certain (1 - (255/256)^1500 > 99.7%).
    for (let i = 0; i < 1500; i++) {
      const pair = ed25519KeyPair();
      expect(ssh2.utils.parseKey(pair.public)).not.toBeInstanceOf(Error);
      expect(ssh2.utils.parseKey(pair.private)).not.toBeInstanceOf(Error);
    }
  });
});

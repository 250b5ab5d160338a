import { describe, expect, it } from 'vitest';
import { vncAuthResponse } from '../../../src/console/vnc/des.js';

const reverse = (b: number) => {
  let o = 0;
  for (let i = 0; i < 8; i++) o |= ((b >> i) & 1) << (7 - i);
  return o;
};

describe('VNC auth DES', () => {
  it('matches the classic DES test vector (key 0123456789ABCDEF) once the VNC bit reversal is undone', () => {
    // VNC mirrors every key byte; pre-mirroring the key makes the result the textbook DES output.
    const key = Buffer.from(Buffer.from('0123456789ABCDEF', 'hex').map(reverse)).toString('latin1');
    const block = Buffer.from('4E6F772069732074', 'hex');
    const out = vncAuthResponse(Buffer.concat([block, block]), key);
    expect(out.toString('hex')).toBe('3fa40e8a984d4815'.repeat(2));
  });

  it('uses only the first 8 password bytes and zero-pads short ones', () => {
    const challenge = Buffer.alloc(16, 7);
    expect(vncAuthResponse(challenge, 'password123')).toEqual(vncAuthResponse(challenge, 'password'));
    expect(vncAuthResponse(challenge, 'ab')).toEqual(vncAuthResponse(challenge, 'ab\0\0\0\0\0\0'));
    expect(vncAuthResponse(challenge, 'ab')).not.toEqual(vncAuthResponse(challenge, 'ac'));
  });
});

import { describe, expect, it } from 'vitest';
import { registerSecret, clearSecretsForTest } from '../src/secrets.js';
import { httpError, retryAfterSeconds, vendorErrorText } from './http.js';
import { parseHost } from './errors.js';

describe('http error mapping', () => {
  it('reads Retry-After as seconds or a date, else RateLimit-Reset', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
    expect(retryAfterSeconds({ 'retry-after': 'Tue, 01 Jan 2030 00:01:00 GMT' }, now)).toBe(60);
    expect(retryAfterSeconds({ 'ratelimit-reset': String(now / 1000 + 15) }, now)).toBe(15);
    expect(retryAfterSeconds({}, now)).toBeUndefined();
  });

  it('a 429 without any hint still maps to provider.rate-limited', () => {
    const err = httpError('x', { operation: 'op' }, { status: 429, statusText: '', headers: {}, data: {} });
    expect(err.code).toBe('provider.rate-limited');
    expect(err.params.retryAfter).toBe('?');
  });

  it('takes the vendor text from each vendor body shape and masks secrets in it', () => {
    clearSecretsForTest();
    registerSecret('CANARY-echoed-secret');
    expect(vendorErrorText({ badRequest: { code: 400, message: 'Unavailable console type serial.' } })).toBe(
      'Unavailable console type serial.',
    );
    expect(vendorErrorText({ errors: [{ reason: 'Invalid Token' }] })).toBe('Invalid Token');
    expect(vendorErrorText({ errors: { vmid: 'invalid format' } })).toBe('vmid: invalid format');
    expect(vendorErrorText({ error_msg: 'bad CANARY-echoed-secret' })).toBe('bad ***');
    expect(vendorErrorText({ data: null }, 'VM 100 not running', 500)).toBe('VM 100 not running');
    expect(vendorErrorText({ data: null }, 'Internal Server Error', 500)).toBe('');
    expect(vendorErrorText('<html>proxy error</html>')).toBe('');
  });

  it('parses --host into an IP, id or name query', () => {
    expect(parseHost('203.0.113.5')).toEqual({ ip: '203.0.113.5' });
    expect(parseHost('2001:db8::1')).toEqual({ ip: '2001:db8::1' });
    expect(parseHost('id:42')).toEqual({ id: '42' });
    expect(parseHost('web-1')).toEqual({ name: 'web-1' });
  });
});

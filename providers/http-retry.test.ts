import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../test/support/nock-strict.js';
import { HttpClient } from './http.js';

useStrictNock();
const ORIGIN = 'https://api.example.test';
/** Short delays so the test runs in milliseconds; the policy's shape is what is tested. */
const client = (retries = 3) =>
  new HttpClient({
    provider: 'test',
    baseURL: `${ORIGIN}/v1`,
    timeoutMs: 1000,
    retry: { retries, baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 2000 },
  });

describe('HTTP retries of idempotent calls', () => {
  it('a GET answered 503, then 502, then 200 succeeds after two retries', async () => {
    nock(ORIGIN)
      .get('/v1/servers')
      .reply(503, { error: { message: 'maintenance' } });
    nock(ORIGIN).get('/v1/servers').reply(502, 'Bad Gateway');
    nock(ORIGIN).get('/v1/servers').reply(200, { servers: [] });
    expect((await client().get('servers', { operation: 'list' })).data).toEqual({ servers: [] });
  });

  it('429 waits as long as Retry-After says before the next try', async () => {
    nock(ORIGIN).get('/v1/servers').reply(429, {}, { 'Retry-After': '1' });
    nock(ORIGIN).get('/v1/servers').reply(200, { servers: [] });
    const started = Date.now();
    await client().get('servers', { operation: 'list' });
    // Not a timing assertion of speed: only that the vendor's wait was honoured at all.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a Retry-After longer than the policy allows is not waited for: provider.rate-limited at once', async () => {
    nock(ORIGIN).get('/v1/servers').reply(429, {}, { 'Retry-After': '120' });
    const err = await rejectsWithCode(
      client().get('servers', { operation: 'list' }),
      'provider.rate-limited',
    );
    expect(err.params.retryAfter).toBe(120);
  });

  it('bounded: after the last retry the error is the last answer', async () => {
    nock(ORIGIN)
      .get('/v1/servers')
      .times(3)
      .reply(503, { error: { message: 'still down' } });
    const err = await rejectsWithCode(client(2).get('servers', { operation: 'list' }), 'provider.api');
    expect(err.params.status).toBe(503);
    expect(String(err.params.detail)).toContain('still down');
  });

  it('a POST is not retried unless it says it is idempotent', async () => {
    nock(ORIGIN).post('/v1/servers/1/actions/reset').reply(503, {});
    await rejectsWithCode(client().post('servers/1/actions/reset', { operation: 'reset' }), 'provider.api');
    nock(ORIGIN).post('/v1/servers/1/actions/disable_rescue').reply(503, {});
    nock(ORIGIN)
      .post('/v1/servers/1/actions/disable_rescue')
      .reply(201, { action: { id: 1 } });
    const res = await client().post('servers/1/actions/disable_rescue', {
      operation: 'disable',
      idempotent: true,
    });
    expect(res.status).toBe(201);
  });

  it('401, 403, 404, 409 and a plain 500 are answers, not retried', async () => {
    for (const status of [401, 403, 404, 409, 500]) {
      nock(ORIGIN).get('/v1/servers').reply(status, {});
      await expect(client().get('servers', { operation: 'list' })).rejects.toMatchObject({});
    }
  });

  it('a 500 that carries Retry-After is retried', async () => {
    nock(ORIGIN).get('/v1/servers').reply(500, {}, { 'Retry-After': '0' });
    nock(ORIGIN).get('/v1/servers').reply(200, { servers: [] });
    expect((await client().get('servers', { operation: 'list' })).status).toBe(200);
  });
});

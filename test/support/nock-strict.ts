import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

// nock 15's interceptors call Promise.withResolvers, which Node 20 lacks (added in Node 22).
const promiseCtor = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/**
 * Strict HTTP mocking for a test file: no real network at all, every request must match a mock,
 * every mock must be used. Failures name the offending requests.
 */
export function useStrictNock(): void {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method: string; url: string }) => unmatched.push(`${req.method} ${req.url}`);

  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });

  afterEach(() => {
    const pending = nock.pendingMocks();
    const stray = unmatched.splice(0);
    nock.abortPendingRequests();
    nock.cleanAll();
    expect(stray, 'requests that matched no mock').toEqual([]);
    expect(pending, 'mocks that were never requested').toEqual([]);
  });

  afterAll(() => {
    nock.emitter.off('no match', onNoMatch);
    nock.enableNetConnect();
  });
}

/** Reads a JSON fixture next to the test: fixture(import.meta.url, 'server.json'). */
export { fixture, rejectsWithCode } from './fixture.js';

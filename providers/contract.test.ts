import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../test/support/nock-strict.js';
import { clearSecretsForTest } from '../src/secrets.js';
import { describeEndpoint } from '../src/console/endpoint.js';
import { getProvider, loadProvider, PROVIDERS } from './index.js';
import type { ProviderAdapter } from './types.js';
import { contractRows, type ContractRow } from './contract-row.js';

/**
 * One behavioural contract for every adapter, from one table: a server found by id, a server that
 * is not there, and the vendor's 401, 403, 429 (with Retry-After) and 5xx mapped to the same error
 * codes everywhere; a fresh console asked of the vendor every time (their URLs, tickets and passwords
 * expire); a console kind the provider does not declare refused without any API call.
 * Each row says only how its vendor answers "get this server" and lives in the provider's folder
 * (providers/<id>/contract.ts); the cases are the same for all.
 */
useStrictNock();
const ROWS = await contractRows(PROVIDERS.map((p) => p.id));

const adapterFor = (row: ContractRow): Promise<ProviderAdapter> =>
  loadProvider(row.id, {
    env: row.env,
    lang: 'en',
    timeoutMs: 1000,
    pollIntervalMs: 0,
    retry: { retries: 0 },
  });

describe('the adapter contract, the same cases for every provider', () => {
  beforeEach(() => clearSecretsForTest());

  it('the table has a row for every registered provider', () => {
    expect(ROWS.map((r) => r.id).sort()).toEqual(PROVIDERS.map((p) => p.id).sort());
  });

  for (const row of ROWS) {
    describe(row.id, () => {
      it('finds the server by id', async () => {
        row.lookup({ status: 200, body: row.found });
        const server = await (await adapterFor(row)).findServer({ id: row.serverId });
        expect(server).toMatchObject({ provider: row.id, id: row.serverId });
      });

      it('finds the server by its IP address', async () => {
        row.byIp();
        const server = await (await adapterFor(row)).findServer({ ip: row.ip });
        expect([...server.addresses.ipv4, ...server.addresses.ipv6]).toContain(row.ip);
      });

      it('finds the server by name; two of that name are provider.ambiguous', async () => {
        row.byName({ status: 200, body: row.named(1) });
        expect(await (await adapterFor(row)).findServer({ name: row.name })).toMatchObject({
          name: row.name,
        });
        row.byName({ status: 200, body: row.named(2) });
        await rejectsWithCode((await adapterFor(row)).findServer({ name: row.name }), 'provider.ambiguous');
      });

      it('a server that is not there is provider.not-found', async () => {
        row.lookup(row.missing);
        await rejectsWithCode((await adapterFor(row)).findServer({ id: row.serverId }), 'provider.not-found');
      });

      const errors: [number, string, Record<string, string>?][] = [
        [401, 'auth.failed'],
        [403, 'auth.forbidden'],
        [429, 'provider.rate-limited', { 'Retry-After': '7' }],
        [503, 'provider.api'],
      ];
      for (const [status, code, headers] of errors) {
        it(`${status} is ${code}, and no secret is in the error`, async () => {
          row.lookup({ status, body: {}, ...(headers ? { headers } : {}) });
          const err = await rejectsWithCode((await adapterFor(row)).findServer({ id: row.serverId }), code);
          if (status === 429) expect(err.params.retryAfter).toBe(7);
          expect(JSON.stringify(err)).not.toContain('CANARY');
        });
      }

      it('a lookup answered 503 is tried again and then succeeds (HTTP retries reach every adapter)', async () => {
        // The login (where there is one) happens once: only the lookup answers twice.
        row.lookup({ status: 503, body: {} }, { status: 200, body: row.found });
        const adapter = await loadProvider(row.id, {
          env: row.env,
          lang: 'en',
          timeoutMs: 1000,
          pollIntervalMs: 0,
          retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
        });
        expect((await adapter.findServer({ id: row.serverId })).id).toBe(row.serverId);
      });

      it('asks the vendor again for every console: console URLs, tickets and passwords expire', async () => {
        row.lookup({ status: 200, body: row.found });
        const adapter = await adapterFor(row);
        const server = await adapter.findServer({ id: row.serverId });
        row.console.answer('CANARY-console-first');
        row.console.answer('CANARY-console-second');
        const first = await adapter.openConsole(server, row.console.kind);
        const second = await adapter.openConsole(server, row.console.kind);
        expect(nock.pendingMocks()).toEqual([]);
        if (row.console.expires && row.console.freshFrom === 'client') {
          expect(second).not.toEqual(first);
        } else if (row.console.expires) {
          expect(JSON.stringify(first)).toContain('CANARY-console-first');
          expect(JSON.stringify(second)).toContain('CANARY-console-second');
        } else {
          expect(second).toEqual(first);
        }
        // Whatever expires in it is a secret: never in a description of the endpoint.
        expect(describeEndpoint(first)).not.toContain('CANARY');
      });

      it('a console kind it does not declare is refused before any API call', async () => {
        const declared = getProvider(row.id).capabilities;
        const adapter = await adapterFor(row);
        const server = {
          provider: row.id,
          id: row.serverId,
          name: 'x',
          status: 'running' as const,
          vendorStatus: 'running',
          addresses: { ipv4: [], ipv6: [] },
        };
        if (!declared.includes('serialConsole'))
          await rejectsWithCode(adapter.openConsole(server, 'serial'), 'provider.unsupported');
        if (!declared.includes('vncConsole'))
          await rejectsWithCode(adapter.openConsole(server, 'vnc'), 'provider.unsupported');
        // Providers with both declared have nothing to refuse here; the case still ran without a call.
        expect(nock.pendingMocks()).toEqual([]);
      });
    });
  }
});

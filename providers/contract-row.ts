import { readFileSync } from 'node:fs';
import type nock from 'nock';
import type { ConsoleKind } from '../src/console/endpoint.js';

/**
 * One row of the adapter contract (providers/contract.test.ts): how a vendor answers "get this
 * server". Each provider folder keeps its row in contract.ts; the cases are the same for all.
 * Test support only, never in the built package.
 */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** A fixture of the folder whose contract.ts calls it with its own import.meta.url. */
export const fixtureOf =
  (folderModuleUrl: string) =>
  (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(new URL(`fixtures/${name}`, folderModuleUrl), 'utf8')) as Record<string, unknown>;

/** One mock per reply, in order: the same call answered differently each time. */
export const answer = (call: () => nock.Interceptor, replies: Reply[]): void => {
  for (const r of replies) call().reply(r.status, r.body as object, r.headers);
};

export interface ContractRow {
  id: string;
  env: Record<string, string>;
  serverId: string;
  /** Mocks one findServer({id: serverId}): the login, where the vendor needs one, then the lookup call answering each reply in turn. */
  lookup: (...replies: Reply[]) => void;
  found: unknown;
  /** The vendor's own "no such server" answer to the lookup. */
  missing: Reply;
  name: string;
  /** Mocks one findServer({name}): the login, where needed, then the listing answering `reply`. */
  byName: (reply: Reply) => void;
  /** The listing's answer with `count` servers of that name (ids differ). */
  named: (count: 1 | 2) => unknown;
  ip: string;
  /** Mocks one successful findServer({ip}), the vendor's own way of looking an address up. */
  byIp: () => void;
  /** One console of the server found by `lookup`. */
  console: {
    kind: ConsoleKind;
    /** Mocks one openConsole whose answer carries `secret` (a token in the URL, a ticket, a password). */
    answer: (secret: string) => void;
    /** false where nothing in the console expires (an SSH gateway with the engineer's own key). */
    expires: boolean;
    /**
     * Where what expires comes from: the vendor's answer (default), or a one-time key the adapter makes
     * and pushes to the vendor for each console (EC2 Instance Connect).
     */
    freshFrom?: 'answer' | 'client';
  };
}
export const twice = <T extends Record<string, unknown>>(
  item: T,
  count: 1 | 2,
  idKey: string,
  otherId: unknown,
): T[] => (count === 1 ? [item] : [item, { ...item, [idKey]: otherId }]);

/** Every registered provider's row, from its folder. */
export async function contractRows(ids: readonly string[]): Promise<ContractRow[]> {
  const rows: ContractRow[] = [];
  for (const id of ids) {
    // A path built at run time: the row comes from the provider's folder, named by nothing here.
    const path = ['.', id, 'contract.js'].join('/');
    rows.push(((await import(/* @vite-ignore */ path)) as { contract: ContractRow }).contract);
  }
  return rows;
}

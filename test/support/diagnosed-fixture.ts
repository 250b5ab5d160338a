import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../src/diagnose/analyse.js';
import { parseCollection } from '../../src/diagnose/parser.js';

/** The diagnosis of a collection recorded on a real lab server (test/fixtures/diagnose/<name>.txt). */
export function diagnosedFixture(name: string) {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/diagnose', `${name}.txt`), 'utf8');
  return analyse({
    collection: parseCollection(text),
    users: ['alice', 'root'],
    clientAddress: '127.0.0.1',
  });
}

/** How a successful `--action auto` run for alice on the fixture's lab address begins. */
export const ALICE_AUTO_RUN = {
  ok: true,
  host: '127.0.1.9',
  user: 'alice',
  action: 'auto',
  dryRun: false,
} as const;

import type { Collection } from '../diagnose/collection.js';
import { formatKey, parseAuthorizedKeysLine } from '../keys/authorized-keys.js';

/** sshd stops after MaxAuthTries (6 by default) attempts: the query offers fewer. */
const MAX_OFFERED = 5;

/**
 * The public keys in the files sshd reads for `user`, as the collector saw them: without the
 * customer's key, these are what the public-key query can ask about. Only well-formed lines count —
 * a key sshd cannot read is no proof of anything.
 */
export function keysOnServer(c: Collection, user: string): string[] {
  const out: string[] = [];
  for (const path of c.users[user]?.keyFiles ?? []) {
    for (const raw of c.keyFiles[path]?.content ?? []) {
      const line = parseAuthorizedKeysLine(raw);
      if (line.kind === 'key') out.push(formatKey(line));
    }
  }
  return [...new Set(out)].slice(0, MAX_OFFERED);
}

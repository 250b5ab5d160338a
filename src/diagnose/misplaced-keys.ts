import type { KeyFileReport } from './collection.js';
import { passwdOf, type Ctx } from './context.js';
import { finding, type CauseCode, type Finding } from './findings.js';
import { analyseKeyLines, holds } from './key-lines.js';

/**
 * Key files the customer put where sshd never looks, found in the user's own home without the
 * customer's key: ~/ssh/authorized_keys (no dot), ~/.SSH, "~/.ssh " (trailing space), ~/.ssh/.ssh,
 * ~/authorized_keys, ~/.ssh/authorized_keys.txt. Each is named with its path and what was done wrong;
 * the repair copies the key line to the file sshd reads.
 */

/** Where the file sits, seen from the home: decides the cause and the sentence. */
export function misplacement(home: string, path: string): CauseCode | undefined {
  if (!path.startsWith(`${home}/`)) return undefined;
  const parts = path.slice(home.length + 1).split('/');
  const dirs = parts.slice(0, -1);
  if (dirs.length === 0) return 'keys.in-home';
  if (dirs.length === 1 && dirs[0] === '.ssh') return 'keys.misnamed';
  // authorized_keys as a directory with the key inside: the directory itself is the finding.
  if (dirs.length === 2 && dirs[0] === '.ssh' && /^authorized_keys2?$/.test(dirs[1] ?? '')) return undefined;
  return 'keys.wrong-dir';
}

/** Prefer the likeliest intent: a file named like authorized_keys before a stray *.pub. */
function rank(path: string): number {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^authori[sz]ed[-_ ]?keys?/i.test(name) ? 0 : 1;
}

export function misplacedKey(ctx: Ctx, name: string, target: string): Finding | undefined {
  const pw = passwdOf(ctx, name);
  const user = ctx.c.users[name];
  if (!pw || !user) return undefined;
  const home = pw.home.replace(/\/+$/, '');
  const candidates = Object.values(ctx.c.keyFiles)
    .filter(
      (r: KeyFileReport) =>
        r.path !== target && !user.keyFiles.includes(r.path) && r.content && r.chain[0]?.type === 'file',
    )
    .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  for (const r of candidates) {
    const cause = misplacement(home, r.path);
    if (!cause) continue;
    const lines = analyseKeyLines(r.path, r.content ?? [], ctx.clientAddress);
    // With the customer's key, only a file holding it; without, any well-formed key line.
    const hit = ctx.key ? lines.valid.find((v) => holds(ctx.key, v.key)) : lines.valid[0];
    if (!hit) continue;
    return finding(
      cause,
      'error',
      // A misnamed file in ~/.ssh is renamed (nothing is at the target yet); elsewhere the key is copied.
      cause === 'keys.misnamed'
        ? { op: 'rename', from: r.path, to: target }
        : { op: 'move-key', from: r.path, line: hit.line, to: target, user: name },
      { user: name, path: r.path, line: hit.line, params: { user: name, path: r.path, expected: target } },
    );
  }
  return undefined;
}

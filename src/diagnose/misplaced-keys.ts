import type { KeyFileReport } from './collection.js';
import { eff, passwdOf, type Ctx } from './context.js';
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

/** The account whose key file this is: the one whose home holds it, else the file's owner. */
function accountOf(ctx: Ctx, r: KeyFileReport): string | undefined {
  const home = ctx.c.passwd.find(
    (p) => p.home !== '/' && r.path.startsWith(`${p.home.replace(/\/+$/, '')}/`),
  );
  return home?.name ?? ctx.c.passwd.find((p) => p.uid === r.chain[0]?.uid)?.name;
}

/** Only root can have written it: the file and every folder up to / root's, writable by nobody else, no link. */
function rootHeld(r: KeyFileReport): boolean {
  return (
    r.realPath === undefined &&
    r.chain[0]?.links === 1 &&
    r.chain.every((s) => s.exists && s.uid === 0 && ((s.mode ?? 0o777) & 0o022) === 0)
  );
}

/** A comment as ssh-keygen writes it on the user's machine: `alice@laptop`, or the name alone. */
function commentNames(comment: string | undefined, name: string): boolean {
  return comment !== undefined && (comment === name || comment.startsWith(`${name}@`));
}

/**
 * Without the customer's key: a key for `name` pasted into another account's file (root's, or the
 * file of alice2 next door). It counts as theirs only when its comment names them, or when it is the
 * only key in root's file and root cannot log in with keys anyway (pasted as root, then root login
 * switched off). It is copied only out of a file root alone can have written: a key in a file another
 * user controls is no proof it is this user's (that user may have planted it to be let in as them),
 * so then the finding stays for a human and the password window is the way.
 */
export function otherAccountKey(ctx: Ctx, name: string, target: string): Finding | undefined {
  const pw = passwdOf(ctx, name);
  const user = ctx.c.users[name];
  if (ctx.key || !pw || !user || name === 'root') return undefined;
  const home = pw.home.replace(/\/+$/, '');
  const rootKeysOff = ['no', undefined].includes(eff(ctx.c.users.root, 'permitrootlogin'));
  const files = Object.values(ctx.c.keyFiles)
    .filter((r) => r.content && !user.keyFiles.includes(r.path) && !r.path.startsWith(`${home}/`))
    .sort((a, b) => a.path.localeCompare(b.path));
  for (const r of files) {
    const account = accountOf(ctx, r);
    if (!account || account === name) continue;
    const valid = analyseKeyLines(r.path, r.content ?? [], ctx.clientAddress).valid;
    const named = valid.find((v) => commentNames(v.key.comment, name));
    const only = account === 'root' && rootKeysOff && valid.length === 1 ? valid[0] : undefined;
    const hit = named ?? only;
    if (!hit) continue;
    const comment = /^[\w.@+-]{1,64}$/.test(hit.key.comment ?? '') ? `"${hit.key.comment}"` : '-';
    return finding(
      'keys.other-account',
      'error',
      rootHeld(r)
        ? { op: 'move-key', from: r.path, line: hit.line, to: target, user: name }
        : { op: 'manual' },
      {
        user: name,
        path: r.path,
        line: hit.line,
        params: { user: name, path: r.path, account, expected: target, comment },
      },
    );
  }
  return undefined;
}

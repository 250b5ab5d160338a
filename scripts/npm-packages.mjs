// Whether node_modules matches package-lock.json, by content: a fresh checkout gives the lock file a new
// mtime, so comparing times re-installed (and, through a shared node_modules link, emptied) a good tree.
import { existsSync, lstatSync, readFileSync } from 'node:fs';

/** Packages the lock file wants that the installed tree (npm's hidden lock file) lacks or has in another version. */
export function stalePackages(lockText, installedText) {
  const wanted = JSON.parse(lockText).packages ?? {};
  const installed = JSON.parse(installedText).packages ?? {};
  return Object.entries(wanted)
    .filter(([path, entry]) => path !== '' && !entry.optional && installed[path]?.version !== entry.version)
    .map(([path]) => path);
}

/** 'ok', 'missing', 'stale' or 'linked-stale' (node_modules is a link to a tree this clone must not replace). */
export function npmState(root) {
  const modules = `${root}node_modules`;
  const hidden = `${modules}/.package-lock.json`;
  const linked = existsSync(modules) && lstatSync(modules).isSymbolicLink();
  if (!existsSync(hidden)) return linked ? 'linked-stale' : 'missing';
  const stale = stalePackages(readFileSync(`${root}package-lock.json`, 'utf8'), readFileSync(hidden, 'utf8'));
  if (stale.length === 0) return 'ok';
  return linked ? 'linked-stale' : 'stale';
}

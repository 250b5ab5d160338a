import type { StatEntry } from '../diagnose/collection.js';
import { quote } from './transaction.js';

/** A path of the key chain relative to its user's home ('' for the home), with what the collector saw there. */
export interface RelabelTarget {
  rel: string | undefined;
  type: StatEntry['type'] | undefined;
}

/**
 * restorecon on a user's key chain, by root but only through directories cdp holds (entered one
 * component at a time, no link, physical path checked), never by a path the user could swap for a
 * link: the home itself alone, a directory (~/.ssh) recursively — restorecon never follows links —
 * a file by its name in its held parent. Each is checked afterwards with -n (nothing left to change).
 * A rollback does not undo it: the labels become the policy's own defaults, the state it prescribes.
 * Undefined when a path lies outside the home or is neither file nor directory.
 */
export function restoreconCode(user: string, targets: RelabelTarget[]): string | undefined {
  const u = quote(user);
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const { rel, type } of [...targets].sort((a, b) => (a.rel ?? '').localeCompare(b.rel ?? ''))) {
    if (rel === undefined) return undefined;
    if (seen.has(rel)) continue;
    seen.add(rel);
    if (rel === '') lines.push(`(cdp ${u} ''||exit 3;restorecon -v .&&[ -z "$(restorecon -nv .)" ])||exit 3`);
    else if (type === 'directory')
      lines.push(
        `(cdp ${u} ${quote(rel)}||exit 3;restorecon -R -v .&&[ -z "$(restorecon -R -nv .)" ])||exit 3`,
      );
    else if (type === 'file') {
      const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      const name = quote(`./${rel.slice(rel.lastIndexOf('/') + 1)}`);
      lines.push(
        `(cdp ${u} ${quote(dir)}||exit 3;[ -f ${name} ]&&[ ! -L ${name} ]||exit 3;restorecon -v ${name}&&[ -z "$(restorecon -nv ${name})" ])||exit 3`,
      );
    } else return undefined;
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Labels a TCP port ssh_port_t: -a, or -m when another type already holds it (a second -a is refused). */
export function selinuxPortCode(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return `semanage port -a -t ssh_port_t -p tcp ${port}||semanage port -m -t ssh_port_t -p tcp ${port}`;
}

import type { Ctx } from './context.js';
import type { FixOp } from './findings.js';

/**
 * The smallest change that lets one user through a user filter, instead of switching the filter off
 * for everybody: AllowUsers gets the user appended, AllowGroups the user's primary group; DenyUsers
 * and DenyGroups lose the one pattern that matches (appending cannot undo a deny), and only a line
 * left empty is commented out.
 */
export function gateFix(
  ctx: Ctx,
  user: string,
  filter: { keyword: string; value: string },
  primaryGroup: string | undefined,
): FixOp {
  const lines = ctx.config.filter((l) => l.keyword === filter.keyword);
  const deny = filter.keyword === 'denyusers' || filter.keyword === 'denygroups';
  const target = deny ? lines.find((l) => l.args.split(/\s+/).includes(filter.value)) : lines[0];
  if (!target) return { op: 'manual' };
  const text = ctx.c.configFiles.find((f) => f.path === target.path)?.lines[target.line - 1];
  if (text === undefined) return { op: 'manual' };
  if (deny) {
    const kept = target.args.split(/\s+/).filter((p) => p !== '' && p !== filter.value);
    if (kept.length === 0) return { op: 'config-comment', path: target.path, line: target.line };
    return { op: 'config-replace-line', path: target.path, line: target.line, text: rewrite(text, kept) };
  }
  const add = filter.keyword === 'allowusers' ? user : primaryGroup;
  if (!add) return { op: 'manual' };
  return {
    op: 'config-replace-line',
    path: target.path,
    line: target.line,
    text: `${text.replace(/\s+$/, '')} ${add}`,
  };
}

/** The line with its keyword (and indentation) kept and new arguments. */
function rewrite(text: string, args: string[]): string {
  const head = /^(\s*\S+)/.exec(text)?.[1] ?? '';
  return `${head} ${args.join(' ')}`;
}

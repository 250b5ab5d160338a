import type { ConfigFile } from './collection.js';
import { finding, type Finding } from './findings.js';

/** One keyword line in the order sshd reads it, with Include expanded. */
export interface ConfigLine {
  path: string;
  line: number;
  keyword: string;
  args: string;
  indented: boolean;
  /** the Match line (path:line) this line belongs to, if any */
  match?: { path: string; line: number; criteria: string };
}

/** Keywords whose values accumulate instead of first-value-wins (servconf.c). */
const ACCUMULATING = new Set([
  'port',
  'listenaddress',
  'hostkey',
  'allowusers',
  'denyusers',
  'allowgroups',
  'denygroups',
  'acceptenv',
  'setenv',
  'subsystem',
  'include',
  'match',
  'hostcertificate',
  'permitlisten',
  'permitopen',
]);

/** Read the config as sshd does: Include (relative to /etc/ssh, globs sorted) spliced in place. */
export function expandConfig(files: ConfigFile[], root = '/etc/ssh/sshd_config'): ConfigLine[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: ConfigLine[] = [];
  const visit = (path: string, depth: number): void => {
    const file = byPath.get(path);
    if (!file || depth > 16) return;
    let match: ConfigLine['match'];
    file.lines.forEach((raw, i) => {
      const text = raw.replace(/\r$/, '');
      const m = /^([ \t]*)([A-Za-z][A-Za-z0-9]*)(?:[ \t]*=[ \t]*|[ \t]+)(.*)$/.exec(text);
      if (!m || text.trimStart().startsWith('#')) return;
      const keyword = (m[2] ?? '').toLowerCase();
      const args = (m[3] ?? '').replace(/[ \t]+#.*$/, '').trim();
      if (keyword === 'match') {
        match = /^all$/i.test(args) ? undefined : { path, line: i + 1, criteria: args };
        return;
      }
      out.push({
        path,
        line: i + 1,
        keyword,
        args,
        indented: (m[1] ?? '') !== '',
        ...(match ? { match } : {}),
      });
      if (keyword === 'include') {
        for (const pattern of args.split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
          const re = globToRegExp(abs);
          const hits = [...byPath.keys()]
            .filter((p) => re.test(p))
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          for (const hit of hits) visit(hit, depth + 1);
        }
      }
    });
  };
  visit(root, 0);
  return out;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const c of glob) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The global line that sets a keyword (first value wins), if any. */
export function winningLine(lines: ConfigLine[], keyword: string): ConfigLine | undefined {
  return lines.find((l) => l.keyword === keyword && !l.match);
}

/** A keyword in any Match block whose value equals `value` (to point at the line behind an effective value). */
export function matchLineSetting(
  lines: ConfigLine[],
  keyword: string,
  value: string,
): ConfigLine | undefined {
  return lines.find((l) => l.keyword === keyword && l.match && l.args.toLowerCase() === value.toLowerCase());
}

/**
 * config.overridden: a later global line for the same keyword is ignored (first value wins) — the
 * classic being cloud-init's drop-in, included at the top, beating the owner's line below.
 * config.after-match: an unindented line after an indented Match body, or separated from the Match
 * by a blank gap — the author almost certainly meant it to be global.
 */
export function checkConfig(files: ConfigFile[], lines: ConfigLine[]): Finding[] {
  const findings: Finding[] = [];
  const first = new Map<string, ConfigLine>();
  for (const l of lines) {
    if (l.match || ACCUMULATING.has(l.keyword)) continue;
    const winner = first.get(l.keyword);
    if (!winner) {
      first.set(l.keyword, l);
      continue;
    }
    if (winner.args.toLowerCase() === l.args.toLowerCase()) continue;
    findings.push(
      finding(
        'config.overridden',
        'warning',
        { op: 'config-comment', path: winner.path, line: winner.line },
        {
          blocking: false,
          path: l.path,
          line: l.line,
          params: {
            keyword: l.keyword,
            value: l.args,
            winner: `${winner.path}:${winner.line}`,
            winnerValue: winner.args,
          },
        },
      ),
    );
  }
  for (const l of lines) {
    if (!l.match || l.indented || l.path !== l.match.path) continue;
    const file = files.find((f) => f.path === l.path);
    const body = lines.filter((o) => o.match === l.match && o.line < l.line);
    const gap = file?.lines.slice(l.match.line, l.line - 1).some((t) => t.trim() === '') ?? false;
    if (!body.some((o) => o.indented) && !gap) continue;
    findings.push(
      finding(
        'config.after-match',
        'warning',
        { op: 'config-move-before-match', path: l.path, line: l.line },
        {
          blocking: false,
          path: l.path,
          line: l.line,
          params: {
            keyword: l.keyword,
            value: l.args,
            match: `${l.match.path}:${l.match.line}`,
            criteria: l.match.criteria,
          },
        },
      ),
    );
  }
  return findings;
}

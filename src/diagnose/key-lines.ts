import {
  BOM,
  dropUnknownOptions,
  optionValue,
  parseAuthorizedKeysLine,
  readKey,
  sameKey,
  type KeyLine,
  type PublicKey,
} from '../keys/authorized-keys.js';
import { fromAllows } from '../keys/from-pattern.js';
import { normalizePublicKey } from '../keys/normalize.js';
import type { CauseCode, FixOp } from './findings.js';

/** A problem on some lines of one authorized_keys file, before it becomes a Finding. */
export interface LineProblem {
  cause: CauseCode;
  line: number;
  fix: FixOp;
  /** the key the broken line(s) were meant to hold, when recoverable */
  key?: PublicKey;
  params: Record<string, string | number>;
}

export interface FileLines {
  valid: { line: number; key: KeyLine }[];
  problems: LineProblem[];
}

/** Walk an authorized_keys file the way sshd does, and say why each skipped line is skipped. */
export function analyseKeyLines(path: string, lines: string[], clientAddress: string): FileLines {
  const valid: FileLines['valid'] = [];
  const problems: LineProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const n = i + 1;
    const parsed = parseAuthorizedKeysLine(raw);
    if (parsed.kind === 'key') {
      const from = parsed.options ? optionValue(parsed.options, 'from') : undefined;
      // The address checked is the support engineer's, not the customer's: a from= that leaves it out
      // is reported, never taken as the cause nor removed (it is the customer's own restriction).
      if (from !== undefined && !fromAllows(from, clientAddress)) {
        problems.push({
          cause: 'keys.from-mismatch',
          line: n,
          key: parsed,
          fix: { op: 'manual' },
          params: { from, address: clientAddress },
        });
      }
      valid.push({ line: n, key: parsed });
      continue;
    }
    if (parsed.kind !== 'bad') continue;
    if (parsed.reason === 'bom') {
      const rest = parseAuthorizedKeysLine(raw.slice(BOM.length));
      problems.push({
        cause: 'keys.bom',
        line: n,
        fix: { op: 'strip-bom', path },
        params: {},
        ...(rest.kind === 'key' ? { key: rest } : {}),
      });
    } else if (parsed.reason === 'rfc4716') {
      const end = lines.findIndex((l, j) => j > i && /^---- END SSH2 PUBLIC KEY ----/.test(l.trim()));
      const last = end < 0 ? lines.length - 1 : end;
      const r = normalizePublicKey(lines.slice(i, last + 1).join('\n'));
      problems.push({
        cause: 'keys.rfc4716',
        line: n,
        fix: r.ok ? { op: 'convert-rfc4716', path, lines: [n, last + 1], key: r.key.line } : { op: 'manual' },
        params: { last: last + 1 },
        ...(r.ok ? { key: r.key } : {}),
      });
      i = last;
    } else if (parsed.reason === 'bad-option') {
      const text = dropUnknownOptions(raw);
      const reparsed = text ? parseAuthorizedKeysLine(text) : undefined;
      const key = reparsed?.kind === 'key' ? reparsed : undefined;
      problems.push({
        cause: 'keys.bad-option',
        line: n,
        fix: text ? { op: 'replace-line', path, line: n, text } : { op: 'manual' },
        // The report says which options the repaired line keeps: only the unknown ones go.
        params: { kept: key?.options ?? '-' },
        ...(key ? { key } : {}),
      });
    } else if (parsed.reason === 'private-key') {
      problems.push({
        cause: 'keys.private-key',
        line: n,
        fix: { op: 'remove-private-key', path },
        params: {},
      });
    } else {
      const wrapped = joinWrapped(lines, i);
      if (wrapped) {
        problems.push({
          cause: 'keys.line-wrapped',
          line: n,
          key: wrapped.key,
          fix: { op: 'join-lines', path, lines: [n, wrapped.last + 1] },
          params: { last: wrapped.last + 1 },
        });
        i = wrapped.last;
      } else {
        problems.push({ cause: 'keys.bad-line', line: n, fix: { op: 'manual' }, params: {} });
      }
    }
  }
  return { valid, problems };
}

/** A key broken over several lines: join with the next lines until it reads as one whole key. */
function joinWrapped(lines: string[], start: number): { last: number; key: PublicKey } | undefined {
  let acc = (lines[start] ?? '').replace(/\r$/, '');
  if (!/^\s*(ssh-|ecdsa-|sk-)/.test(acc)) return undefined;
  for (let j = start + 1; j < Math.min(lines.length, start + 40); j++) {
    acc += (lines[j] ?? '').replace(/\r$/, '');
    const key = readKey(acc.trim());
    if (key) return { last: j, key };
  }
  return undefined;
}

export function holds(key: PublicKey | undefined, other: PublicKey | undefined): boolean {
  return key !== undefined && other !== undefined && sameKey(key, other);
}

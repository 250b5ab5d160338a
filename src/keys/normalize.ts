import { registerSecret } from '../secrets.js';
import { BOM, formatKey, parseAuthorizedKeysLine, readKey, type PublicKey } from './authorized-keys.js';
import { blobKeyType, decodeBase64, isKeyType, PRIVATE_KEY_PATTERN, rsaBits } from './key-types.js';

/** What was repaired on the way to a clean one-line OpenSSH key (reported to the operator). */
export type KeyRepair = 'bom' | 'cr' | 'joined-lines' | 'rfc4716' | 'options-dropped' | 'whitespace';

export type KeyProblem =
  | 'empty'
  | 'private-key'
  | 'multiple-keys'
  | 'bad-base64'
  | 'truncated'
  | 'type-mismatch'
  | 'unknown-type'
  | 'not-a-key';

export interface NormalizedKey extends PublicKey {
  /** the single authorized_keys line to write */
  line: string;
  repairs: KeyRepair[];
  /** RSA modulus size, for the SHA-1/size policy checks */
  bits?: number;
}

export type NormalizeResult = { ok: true; key: NormalizedKey } | { ok: false; problem: KeyProblem };

const RFC4716_BEGIN = /^---- BEGIN SSH2 PUBLIC KEY ----$/;
const RFC4716_END = /^---- END SSH2 PUBLIC KEY ----$/;

/**
 * Turn whatever a customer pasted into one OpenSSH public key line: strips a BOM and CRs, joins a
 * line wrapped by an editor or mail client, converts RFC 4716 (ssh-keygen -e, PuTTY's "public key
 * file") to OpenSSH. Private keys are refused and registered as secrets so they are masked everywhere.
 */
export function normalizePublicKey(input: string): NormalizeResult {
  const repairs: KeyRepair[] = [];
  let text = input;
  if (PRIVATE_KEY_PATTERN.test(text)) {
    registerSecret(text);
    for (const line of text.split(/\r?\n/)) registerSecret(line.trim());
    return { ok: false, problem: 'private-key' };
  }
  if (text.startsWith(BOM)) {
    text = text.slice(1);
    repairs.push('bom');
  }
  if (text.includes('\r')) {
    text = text.replace(/\r/g, '');
    repairs.push('cr');
  }
  // Untrimmed: a space left at the end of a wrapped line is the separator the wrap replaced.
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, problem: 'empty' };
  if (lines.some((l) => RFC4716_BEGIN.test(l.trim())))
    return fromRfc4716(
      lines.map((l) => l.trim()),
      repairs,
    );

  if (lines.length > 1) {
    const complete = lines.filter((l) => parseAuthorizedKeysLine(l.trim()).kind === 'key');
    if (complete.length > 1) return { ok: false, problem: 'multiple-keys' };
    repairs.push('joined-lines');
  }
  return fromOneLine(joinWrapped(lines), repairs);
}

/**
 * Rejoin a wrapped key. A wrap inside the base64 must be joined without a space; a wrap at the
 * boundary between type, blob and comment needs one. Try both per break and keep what decodes.
 */
function joinWrapped(lines: string[]): string {
  let acc = (lines[0] ?? '').trimStart();
  for (const next of lines.slice(1)) {
    const spaced = `${acc.trim()} ${next.trim()}`;
    if (readKey((acc + next).trim())) acc += next;
    else if (readKey(spaced)) acc = spaced;
    else if (/\s$/.test(acc) || /^\s/.test(next) || looksLikeBase64Tail(acc)) acc += next;
    else acc = spaced;
  }
  return acc.trim();
}

function looksLikeBase64Tail(acc: string): boolean {
  const words = acc.split(/\s+/);
  return words.length === 2 && /^[A-Za-z0-9+/]+$/.test(words[1] ?? '');
}

function fromOneLine(line: string, repairs: KeyRepair[]): NormalizeResult {
  const collapsed = line.replace(/[ \t]+/g, ' ').trim();
  if (collapsed !== line) repairs.push('whitespace');
  const parsed = parseAuthorizedKeysLine(collapsed);
  if (parsed.kind === 'key') {
    if (parsed.options) repairs.push('options-dropped');
    return done(parsed, repairs);
  }
  return { ok: false, problem: diagnoseBadKey(collapsed) };
}

function diagnoseBadKey(line: string): KeyProblem {
  const [type = '', b64 = ''] = line.split(' ');
  if (!isKeyType(type)) return /^[A-Za-z0-9+/=]{40,}$/.test(type) ? 'not-a-key' : 'unknown-type';
  const blob = decodeBase64(b64);
  if (!blob) return 'bad-base64';
  const inner = blobKeyType(blob);
  if (inner === undefined) return 'not-a-key';
  return inner === type ? 'truncated' : 'type-mismatch';
}

function fromRfc4716(lines: string[], repairs: KeyRepair[]): NormalizeResult {
  const begin = lines.findIndex((l) => RFC4716_BEGIN.test(l));
  const end = lines.findIndex((l) => RFC4716_END.test(l));
  if (end < begin) return { ok: false, problem: 'not-a-key' };
  if (lines.slice(end + 1).some((l) => RFC4716_BEGIN.test(l))) return { ok: false, problem: 'multiple-keys' };
  const body = lines.slice(begin + 1, end);
  // Headers are `Tag: value`; a value continues on the next line when it ends with a backslash.
  let comment = '';
  let i = 0;
  while (i < body.length && /^[\x21-\x39\x3b-\x7e]{1,64}:/.test(body[i] ?? '')) {
    let header = body[i] ?? '';
    while (header.endsWith('\\') && i + 1 < body.length) header = header.slice(0, -1) + (body[++i] ?? '');
    const [tag = '', ...rest] = header.split(':');
    if (tag.toLowerCase() === 'comment')
      comment = rest
        .join(':')
        .trim()
        .replace(/^"(.*)"$/, '$1');
    i++;
  }
  const b64 = body.slice(i).join('');
  const blob = decodeBase64(b64);
  if (!blob) return { ok: false, problem: 'bad-base64' };
  const type = blobKeyType(blob);
  if (!type || !isKeyType(type)) return { ok: false, problem: 'unknown-type' };
  repairs.push('rfc4716');
  return done({ type, base64: blob.toString('base64'), comment }, repairs);
}

function done(key: PublicKey, repairs: KeyRepair[]): NormalizeResult {
  const clean: PublicKey = { type: key.type, base64: key.base64, comment: key.comment };
  const bits = key.type.startsWith('ssh-rsa') ? rsaBits(Buffer.from(key.base64, 'base64')) : undefined;
  return {
    ok: true,
    key: { ...clean, line: formatKey(clean), repairs, ...(bits !== undefined ? { bits } : {}) },
  };
}

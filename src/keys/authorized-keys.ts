import { createHash } from 'node:crypto';
import { blobIsWholeKey, blobKeyType, decodeBase64, isKeyType, PRIVATE_KEY_PATTERN } from './key-types.js';

/** One public key as sshd sees it in authorized_keys: `[options] type base64 [comment]`. */
export interface PublicKey {
  type: string;
  /** base64 of the blob exactly as written */
  base64: string;
  comment: string;
}

export interface KeyLine extends PublicKey {
  kind: 'key';
  /** raw option string (before the key), when present */
  options?: string;
}

/**
 * Why sshd skips a line. `bom`, `rfc4716`, `private-key` and `wrapped` are the usual ways a paste goes
 * wrong; `bad-option` is an option sshd does not know (the whole line is ignored).
 */
export type BadLineReason = 'bom' | 'rfc4716' | 'private-key' | 'bad-option' | 'bad-key';

export type ParsedLine =
  { kind: 'blank' } | { kind: 'comment' } | KeyLine | { kind: 'bad'; reason: BadLineReason };

/** Options sshd understands (auth-options.c); matched case-insensitively. */
const KNOWN_OPTIONS = new Set([
  'agent-forwarding',
  'cert-authority',
  'command',
  'environment',
  'expiry-time',
  'from',
  'no-agent-forwarding',
  'no-port-forwarding',
  'no-pty',
  'no-user-rc',
  'no-x11-forwarding',
  'no-touch-required',
  'permitlisten',
  'permitopen',
  'port-forwarding',
  'principals',
  'pty',
  'restrict',
  'tunnel',
  'user-rc',
  'verify-required',
  'x11-forwarding',
]);

export const BOM = '\uFEFF';

/** `type base64 [comment]` at the start of `text`, with the blob's type checked like sshkey_read. */
export function readKey(text: string): PublicKey | undefined {
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text);
  if (!m || !isKeyType(m[1] ?? '')) return undefined;
  const blob = decodeBase64(m[2] ?? '');
  if (!blob || !blobIsWholeKey(blob)) return undefined;
  const inner = blobKeyType(blob);
  // Certificates and sk keys carry their full name in the blob; plain keys too.
  if (inner !== m[1]) return undefined;
  return { type: m[1] ?? '', base64: m[2] ?? '', comment: (m[3] ?? '').trim() };
}

/** Split an option string the way sshd does: commas outside double quotes; `\"` escapes a quote. */
export function splitOptions(text: string): { options: string[]; rest: string } | undefined {
  const options: string[] = [];
  let cur = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '\\' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      options.push(cur);
      cur = '';
    } else if (c === ' ' || c === '\t') break;
    else cur += c;
  }
  if (quoted) return undefined;
  options.push(cur);
  return { options, rest: text.slice(i).replace(/^[ \t]+/, '') };
}

export function optionName(option: string): string {
  const eq = option.indexOf('=');
  return (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
}

export function optionValue(options: string, name: string): string | undefined {
  const parsed = splitOptions(options);
  const hit = parsed?.options.find((o) => optionName(o) === name);
  return hit?.includes('=') ? hit.slice(hit.indexOf('=') + 1) : undefined;
}

/** Classify one authorized_keys line (without its newline; a trailing CR is harmless to sshd). */
export function parseAuthorizedKeysLine(raw: string): ParsedLine {
  if (raw.startsWith(BOM)) return { kind: 'bad', reason: 'bom' };
  const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
  if (line.trim() === '') return { kind: 'blank' };
  if (line.startsWith('#')) return { kind: 'comment' };
  if (PRIVATE_KEY_PATTERN.test(line)) return { kind: 'bad', reason: 'private-key' };
  if (/^---- BEGIN SSH2 PUBLIC KEY ----/.test(line)) return { kind: 'bad', reason: 'rfc4716' };
  const key = readKey(line);
  if (key) return { kind: 'key', ...key };
  const split = splitOptions(line);
  const after = split ? readKey(split.rest) : undefined;
  if (!split || !after) return { kind: 'bad', reason: 'bad-key' };
  const known = split.options.every((o) => KNOWN_OPTIONS.has(optionName(o)) && o !== '');
  if (!known) return { kind: 'bad', reason: 'bad-option' };
  return { kind: 'key', options: line.slice(0, line.length - split.rest.length).trim(), ...after };
}

/** Same key material (type + blob), regardless of comment and options. */
export function sameKey(a: PublicKey, b: PublicKey): boolean {
  return a.type === b.type && a.base64.replace(/=+$/, '') === b.base64.replace(/=+$/, '');
}

/** `SHA256:...` as ssh-keygen -l prints it. */
export function fingerprint(key: PublicKey): string {
  const blob = Buffer.from(key.base64, 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export function formatKey(key: PublicKey): string {
  return key.comment ? `${key.type} ${key.base64} ${key.comment}` : `${key.type} ${key.base64}`;
}

/** The line without the options sshd does not know, or undefined when nothing usable remains. */
export function dropUnknownOptions(raw: string): string | undefined {
  const line = raw.replace(/\r$/, '').trim();
  const split = splitOptions(line);
  const key = split ? readKey(split.rest) : undefined;
  if (!split || !key) return undefined;
  const kept = split.options.filter((o) => KNOWN_OPTIONS.has(optionName(o)));
  const quote = (o: string) => o.replace(/=(.*)$/, (_all, v: string) => `="${v.replace(/"/g, '\\"')}"`);
  return [kept.map(quote).join(','), formatKey(key)].filter(Boolean).join(' ');
}

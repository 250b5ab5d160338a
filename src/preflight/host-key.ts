import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RescueError } from '../errors/rescue-error.js';

/**
 * How the server's host key is checked before anything is sent: the user's known_hosts (as OpenSSH
 * writes it, hashed or not), or one fingerprint given on the command line. There is no "trust on
 * first use": a server whose key is unknown gets one line with its fingerprint, and nothing else.
 */
export type HostKeyPolicy = { kind: 'known-hosts'; file: string } | { kind: 'fingerprint'; value: string };

/** A host key as OpenSSH prints it (SHA256, base64 without padding). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function assertFingerprint(option: string, value: string): string {
  const v = value.trim();
  if (!FINGERPRINT.test(v)) throw new RescueError('usage.bad-fingerprint', { option, value: v || '""' });
  return v;
}

interface KnownKey {
  type: string;
  blob: string;
  revoked: boolean;
}

/** `host` as known_hosts names it: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hostsMatch(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The keys known_hosts holds for `name` (certificate authorities are not trusted as host keys here). */
export function knownKeysFor(text: string, name: string): KnownKey[] {
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') continue;
      revoked = marker === '@revoked';
    }
    const [hosts, type, blob] = fields;
    if (!hosts || !type || !blob) continue;
    if (hostsMatch(hosts, name)) keys.push({ type, blob, revoked });
  }
  return keys;
}

/** What the verifier decided about the key the server presented. */
export interface HostKeyVerdict {
  ok: boolean;
  fingerprint: string;
  /** Why it was refused: unknown host, or a key other than the known one. */
  problem?: 'unknown' | 'mismatch' | 'revoked';
}

export interface HostKeyCheck {
  /** Host key types to ask the server for (those known_hosts holds), best first; undefined: any. */
  algorithms?: string[];
  verify(keyBlob: Buffer): HostKeyVerdict;
}

/** Builds the check for one host; reading known_hosts happens here, before any connection. */
export function hostKeyCheck(policy: HostKeyPolicy, host: string, port: number): HostKeyCheck {
  if (policy.kind === 'fingerprint') {
    return {
      verify: (blob) => {
        const fingerprint = fingerprintOf(blob);
        return fingerprint === policy.value
          ? { ok: true, fingerprint }
          : { ok: false, fingerprint, problem: 'mismatch' };
      },
    };
  }
  let text = '';
  try {
    text = readFileSync(policy.file, 'utf8');
  } catch {
    // A missing known_hosts is an unknown host, said when the server shows its key.
  }
  const known = knownKeysFor(text, knownHostsName(host, port));
  const types = [...new Set(known.filter((k) => !k.revoked).map((k) => k.type))];
  return {
    ...(types.length > 0 ? { algorithms: types } : {}),
    verify: (blob) => {
      const fingerprint = fingerprintOf(blob);
      const b64 = blob.toString('base64');
      if (known.some((k) => k.revoked && k.blob === b64))
        return { ok: false, fingerprint, problem: 'revoked' };
      if (known.some((k) => !k.revoked && k.blob === b64)) return { ok: true, fingerprint };
      return { ok: false, fingerprint, problem: known.length > 0 ? 'mismatch' : 'unknown' };
    },
  };
}

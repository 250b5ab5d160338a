import { RescueError } from '../src/errors/rescue-error.js';
import { t, type Lang } from '../src/i18n/index.js';
import type { ConsoleKind } from '../src/console/endpoint.js';
import { mask } from '../src/secrets.js';
import type { Capability, CredentialHelp, FindQuery, ServerRef } from './types.js';

/**
 * Constructors for the provider error codes, so every adapter fills the same params the same way.
 * Branch on err.code; the params are for the message only.
 */

export function describeQuery(query: FindQuery): string {
  if ('ip' in query) return `ip=${query.ip}`;
  if ('name' in query) return `name=${query.name}`;
  return `id=${query.id}`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** `--host` as the user typed it: an IPv4/IPv6 address, `id:<id>`, or a name. */
export function parseHost(host: string): FindQuery {
  const trimmed = host.trim();
  if (trimmed.startsWith('id:')) return { id: trimmed.slice(3) };
  if (IPV4.test(trimmed) || (trimmed.includes(':') && /^[0-9a-f:.]+$/i.test(trimmed))) return { ip: trimmed };
  return { name: trimmed };
}

export function notFound(provider: string, query: FindQuery | string): RescueError {
  return new RescueError('provider.not-found', {
    provider,
    query: typeof query === 'string' ? query : describeQuery(query),
  });
}

/** Exactly one match or a clear error: none → not-found, several → ambiguous listing them. */
export function pickOne(provider: string, query: FindQuery, matches: ServerRef[]): ServerRef {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw notFound(provider, query);
  const candidates = matches
    .slice(0, 5)
    .map((s) => `${s.name} (id ${s.id})`)
    .join(', ');
  throw new RescueError('provider.ambiguous', {
    provider,
    query: describeQuery(query),
    count: matches.length,
    candidates: matches.length > 5 ? `${candidates}, …` : candidates,
  });
}

export function capabilityLabel(lang: Lang, capability: Capability): string {
  return t(lang, `providers.capability.${capability}`);
}

export function unsupported(
  lang: Lang,
  provider: string,
  capability: Capability,
  offers: readonly Capability[],
): RescueError {
  return new RescueError('provider.unsupported', {
    provider,
    capability: capabilityLabel(lang, capability),
    offers: offers.map((c) => capabilityLabel(lang, c)).join(', ') || '-',
  });
}

export function consoleUnavailable(kind: ConsoleKind, server: ServerRef, hint: string): RescueError {
  return new RescueError('console.unavailable', { kind, server: server.name, hint: mask(hint) });
}

/** The server is in the wrong state for an operation; `reason` is already localized. */
export function conflict(provider: string, operation: string, reason: string): RescueError {
  return new RescueError('provider.conflict', { provider, operation, status: '-', detail: `: ${reason}` });
}

export function missingCredentials(provider: string, help: CredentialHelp): RescueError {
  return new RescueError('config.missing-credentials', {
    provider,
    variables: help.variables.map((set) => set.join(' + ')).join(' | '),
  });
}

/** A vendor precondition we checked before calling (server must be off, root only, …). */
export function precondition(provider: string, operation: string, reason: string): RescueError {
  return new RescueError('provider.precondition', { provider, operation, reason });
}

import { RescueError } from '../src/errors/rescue-error.js';
import type { ProviderAdapter, ProviderContext, ProviderEntry } from './types.js';
import { REGISTERED } from './registry.js';
import { unsupported } from './errors.js';

/**
 * Every provider, with what it can do and which credentials it takes, known without loading its
 * code: the adapter itself is imported only when used. The list itself is providers/registry.ts. A contract test checks that each adapter
 * implements exactly what is declared here and that every folder under providers/ is registered.
 *
 * A capability is declared only when a way in uses it. Vendor calls that no way in uses yet
 * (password resets, Sakura's keyboard API, Linode's Finnix rescue, which offers no SSH) stay
 * implemented and tested in their adapters but are not declared, so nothing plans or offers them.
 */

export const PROVIDERS: readonly ProviderEntry[] = REGISTERED;

export function providerIds(): string[] {
  return PROVIDERS.map((p) => p.id);
}

export function getProvider(id: string): ProviderEntry {
  const entry = PROVIDERS.find((p) => p.id === id);
  if (!entry) {
    throw new RescueError('usage.unknown-provider', { provider: id, known: providerIds().join(', ') });
  }
  return entry;
}

/** Loads and creates the adapter for `id`; unknown ids fail before anything is imported. */
export async function loadProvider(id: string, ctx: ProviderContext): Promise<ProviderAdapter> {
  const entry = getProvider(id);
  const module = await entry.load();
  return module.createAdapter(ctx);
}

type OptionalMethod = 'runCommand' | 'rescueBoot';

/**
 * The optional method behind a capability, or a provider.unsupported error that names what the
 * vendor does offer.
 */
export function requireCapability<M extends OptionalMethod>(
  adapter: ProviderAdapter,
  method: M,
  lang: ProviderContext['lang'],
): NonNullable<ProviderAdapter[M]> {
  const fn = adapter[method];
  if (!adapter.capabilities.includes(method) || typeof fn !== 'function') {
    throw unsupported(lang, adapter.id, method, adapter.capabilities);
  }
  return fn.bind(adapter) as NonNullable<ProviderAdapter[M]>;
}

export { planAccess, type AccessStep } from './plan.js';
export {
  providerFactsIndexMarkdown,
  providerTable,
  providerTableMarkdown,
  type ProviderRow,
} from './table.js';
export type * from './types.js';

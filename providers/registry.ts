import { openstack } from './openstack/provider.js';
import { conoha } from './conoha/provider.js';
import { proxmox } from './proxmox/provider.js';
import { linode } from './linode/provider.js';
import { hetzner } from './hetzner/provider.js';
import { sakuraCloud } from './sakura-cloud/provider.js';
import { azure } from './azure/provider.js';
import { aws } from './aws/provider.js';
import { gcp } from './gcp/provider.js';

/**
 * The registry: one line per provider, in the order `vps-rescue providers` and the README list
 * them. Everything else about a provider (capabilities, credentials, messages, docs, simulator
 * wiring) is declared in its folder. This module imports only the folders' declarations, which
 * import nothing at run time, so the message catalogue can read it without an import cycle.
 */
export const REGISTERED = [
  openstack,
  conoha,
  proxmox,
  linode,
  hetzner,
  sakuraCloud,
  azure,
  aws,
  gcp,
] as const;

type KeysOf<T> = T extends unknown ? keyof T : never;

/** Every message key a provider folder declares. */
export type ProviderHintKey = KeysOf<(typeof REGISTERED)[number]['hints']['en']>;

/** The messages of every registered provider in one language, for the message catalogue. */
export function providerHints(lang: 'en' | 'ja'): Record<ProviderHintKey, string> {
  return Object.assign({}, ...REGISTERED.map((entry) => entry.hints[lang])) as Record<
    ProviderHintKey,
    string
  >;
}

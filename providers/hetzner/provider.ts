import type { ProviderEntry } from '../types.js';
import { hetznerHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const hetzner = {
  id: 'hetzner',
  displayName: 'Hetzner Cloud',
  capabilities: ['vncConsole', 'rescueBoot'],
  credentialHelp: {
    variables: [['HCLOUD_TOKEN']],
    optional: ['HCLOUD_ENDPOINT'],
    endpoint: 'API base URL (default https://api.hetzner.cloud/v1)',
  },
  hints: hetznerHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

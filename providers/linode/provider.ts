import type { ProviderEntry } from '../types.js';
import { linodeHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const linode = {
  id: 'linode',
  displayName: 'Linode (Akamai)',
  capabilities: ['serialConsole', 'rescueBoot'],
  credentialHelp: {
    variables: [['LINODE_TOKEN'], ['LINODE_CLI_TOKEN']],
    optional: ['LINODE_LISH_KEY_FILE', 'LINODE_LISH_PASSWORD', 'SSH_AUTH_SOCK', 'LINODE_LISH_HOST'],
    endpoint: 'API base URL (default https://api.linode.com/v4)',
  },
  hints: linodeHints,
  simulator: { simulated: true, rescueSystem: 'console-shell' },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

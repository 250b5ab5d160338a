import type { ProviderEntry } from '../types.js';
import { conohaHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const conoha = {
  id: 'conoha',
  displayName: 'ConoHa VPS (3.0 / 2.0)',
  capabilities: ['serialConsole', 'vncConsole'],
  credentialHelp: {
    variables: [['OS_USERNAME', 'OS_PASSWORD', 'OS_TENANT_ID']],
    optional: ['CONOHA_REGION', 'OS_USER_ID', 'OS_TENANT_NAME', 'OS_PROJECT_ID', 'OS_AUTH_URL'],
    endpoint: 'identity URL (…/v3 for VPS 3.0, …/v2.0 for VPS 2.0)',
  },
  hints: conohaHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

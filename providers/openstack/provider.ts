import type { ProviderEntry } from '../types.js';
import { openstackHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const openstack = {
  id: 'openstack',
  displayName: 'OpenStack (Nova)',
  capabilities: ['serialConsole', 'vncConsole'],
  credentialHelp: {
    variables: [
      ['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME'],
      ['OS_AUTH_URL', 'OS_APPLICATION_CREDENTIAL_ID', 'OS_APPLICATION_CREDENTIAL_SECRET'],
      ['OS_CLOUD'],
    ],
    optional: [
      'OS_USER_ID',
      'OS_USER_DOMAIN_NAME',
      'OS_USER_DOMAIN_ID',
      'OS_PROJECT_DOMAIN_NAME',
      'OS_PROJECT_DOMAIN_ID',
      'OS_DEFAULT_DOMAIN',
      'OS_PROJECT_ID',
      'OS_TENANT_ID',
      'OS_TENANT_NAME',
      'OS_REGION_NAME',
      'OS_INTERFACE',
      'OS_CLIENT_CONFIG_FILE',
    ],
    endpoint: 'Keystone v3 auth URL (replaces OS_AUTH_URL)',
  },
  hints: openstackHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

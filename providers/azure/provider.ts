import type { ProviderEntry } from '../types.js';
import { azureHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const azure = {
  id: 'azure',
  displayName: 'Microsoft Azure',
  capabilities: ['serialConsole', 'runCommand'],
  credentialHelp: {
    // The service principal as DefaultAzureCredential's environment step reads it; or only the
    // subscription, with `az login` or a managed identity supplying the token.
    variables: [
      ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'],
      ['AZURE_SUBSCRIPTION_ID'],
    ],
    optional: ['AZURE_AUTHORITY_HOST', 'REQUESTS_CA_BUNDLE', 'AZURE_CONFIG_DIR'],
    endpoint:
      'Azure Resource Manager URL (default https://management.azure.com); with AZURE_SUBSCRIPTION_ID alone (or the `az account set` default) the token comes from `az login` or a managed identity',
  },
  hints: azureHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

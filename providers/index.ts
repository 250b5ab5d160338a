import { RescueError } from '../src/errors/rescue-error.js';
import type { AdapterModule, Capability, CredentialHelp, ProviderAdapter, ProviderContext } from './types.js';
import { unsupported } from './errors.js';

/**
 * Every provider, with what it can do and which credentials it takes, known without loading its
 * code: the adapter itself is imported only when used. A contract test checks that each adapter
 * implements exactly what is declared here and that every folder under providers/ is registered.
 *
 * A capability is declared only when a way in uses it. Vendor calls that no way in uses yet
 * (password resets, Sakura's keyboard API, Linode's Finnix rescue, which offers no SSH) stay
 * implemented and tested in their adapters but are not declared, so nothing plans or offers them.
 */
export interface ProviderEntry {
  id: string;
  displayName: string;
  capabilities: readonly Capability[];
  credentialHelp: CredentialHelp;
  load: () => Promise<AdapterModule>;
}

const OS_PASSWORD_VARS = ['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME'];

export const PROVIDERS: readonly ProviderEntry[] = [
  {
    id: 'openstack',
    displayName: 'OpenStack (Nova)',
    capabilities: ['serialConsole', 'vncConsole'],
    credentialHelp: {
      variables: [
        OS_PASSWORD_VARS,
        ['OS_AUTH_URL', 'OS_APPLICATION_CREDENTIAL_ID', 'OS_APPLICATION_CREDENTIAL_SECRET'],
        ['OS_CLOUD'],
      ],
      optional: [
        'OS_USER_DOMAIN_NAME',
        'OS_PROJECT_DOMAIN_NAME',
        'OS_PROJECT_ID',
        'OS_REGION_NAME',
        'OS_INTERFACE',
        'OS_CLIENT_CONFIG_FILE',
      ],
      endpoint: 'Keystone v3 auth URL (replaces OS_AUTH_URL)',
    },
    load: () => import('./openstack/index.js'),
  },
  {
    id: 'conoha',
    displayName: 'ConoHa VPS (3.0 / 2.0)',
    capabilities: ['serialConsole', 'vncConsole'],
    credentialHelp: {
      variables: [['OS_USERNAME', 'OS_PASSWORD', 'OS_TENANT_ID']],
      optional: ['CONOHA_REGION', 'OS_USER_ID', 'OS_TENANT_NAME', 'OS_PROJECT_ID', 'OS_AUTH_URL'],
      endpoint: 'identity URL (…/v3 for VPS 3.0, …/v2.0 for VPS 2.0)',
    },
    load: () => import('./conoha/index.js'),
  },
  {
    id: 'proxmox',
    displayName: 'Proxmox VE',
    capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
    credentialHelp: {
      variables: [
        ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN'],
        ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_USERNAME', 'PROXMOX_VE_PASSWORD'],
      ],
      optional: ['PROXMOX_VE_INSECURE'],
      endpoint: 'https://<node>:8006 (replaces PROXMOX_VE_ENDPOINT)',
    },
    load: () => import('./proxmox/index.js'),
  },
  {
    id: 'linode',
    displayName: 'Linode (Akamai)',
    capabilities: ['serialConsole'],
    credentialHelp: {
      variables: [['LINODE_TOKEN'], ['LINODE_CLI_TOKEN']],
      optional: ['LINODE_LISH_KEY_FILE', 'LINODE_LISH_PASSWORD', 'SSH_AUTH_SOCK', 'LINODE_LISH_HOST'],
      endpoint: 'API base URL (default https://api.linode.com/v4)',
    },
    load: () => import('./linode/index.js'),
  },
  {
    id: 'hetzner',
    displayName: 'Hetzner Cloud',
    capabilities: ['vncConsole', 'rescueBoot'],
    credentialHelp: {
      variables: [['HCLOUD_TOKEN']],
      optional: ['HCLOUD_ENDPOINT'],
      endpoint: 'API base URL (default https://api.hetzner.cloud/v1)',
    },
    load: () => import('./hetzner/index.js'),
  },
  {
    id: 'sakura-cloud',
    displayName: 'Sakura Cloud',
    capabilities: ['vncConsole'],
    credentialHelp: {
      variables: [['SAKURACLOUD_ACCESS_TOKEN', 'SAKURACLOUD_ACCESS_TOKEN_SECRET']],
      optional: ['SAKURACLOUD_ZONE'],
      endpoint: 'API base URL up to /zone (default https://secure.sakura.ad.jp/cloud/zone)',
    },
    load: () => import('./sakura-cloud/index.js'),
  },
];

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

type OptionalMethod = 'runCommand' | 'resetPassword' | 'rescueBoot' | 'sendKeys';

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
export { providerTable, providerTableMarkdown, type ProviderRow } from './table.js';
export type * from './types.js';

import { randomBytes, randomUUID } from 'node:crypto';
import type { SimulatedProvider } from './coverage.js';
import type { HetznerAccount } from './hetzner.js';
import type { KeystoneAccount } from './keystone.js';
import type { LinodeAccount } from './linode.js';
import type { ProxmoxAccount } from './proxmox.js';

/**
 * Other ways the same vendor is used: ConoHa VPS 2.0 (Keystone v2.0, legacy console actions),
 * OpenStack application credentials, Proxmox user + password (ticket login) instead of an API token.
 */
export type SimVariant = 'conoha-v2' | 'openstack-appcred' | 'proxmox-password';

export interface SimAccounts {
  openstack: KeystoneAccount;
  conoha: KeystoneAccount;
  proxmox: ProxmoxAccount;
  linode: LinodeAccount;
  hetzner: HetznerAccount;
}

const secret = () => randomBytes(18).toString('base64url');
const hexId = () => randomUUID().replace(/-/g, '');

/** Fresh random credentials for every simulator: nothing to leak, nothing shared between runs. */
export function newAccounts(): SimAccounts {
  return {
    openstack: {
      userId: hexId(),
      userName: 'lab-operator',
      password: secret(),
      projectId: hexId(),
      projectName: 'lab-project',
      domain: { id: 'default', name: 'Default' },
      applicationCredential: { id: hexId(), secret: secret() },
    },
    conoha: {
      userId: randomBytes(6).toString('hex'),
      userName: `gncu${randomBytes(4).toString('hex')}`,
      password: secret(),
      projectId: hexId(),
      projectName: `gnct${randomBytes(4).toString('hex')}`,
    },
    proxmox: {
      tokenId: 'root@pam!rescue',
      tokenSecret: randomUUID(),
      username: 'root@pam',
      password: secret(),
    },
    linode: { token: randomBytes(32).toString('hex'), username: 'lab-support' },
    hetzner: { token: randomBytes(32).toString('base64url') },
  };
}

/** What --endpoint replaces for each vendor, as served under the simulator's base URL. */
export function simEndpoint(base: string, provider: SimulatedProvider, variant?: SimVariant): string {
  switch (provider) {
    case 'openstack':
      return `${base}/openstack/identity/v3`;
    case 'conoha':
      return `${base}/conoha/identity/${variant === 'conoha-v2' ? 'v2.0' : 'v3'}`;
    case 'proxmox':
      return base;
    case 'linode':
      return `${base}/linode/v4`;
    case 'hetzner':
      return `${base}/hetzner/v1`;
  }
}

/** The variables each adapter reads, named as the vendor's own tools name them. */
export function simEnv(
  base: string,
  accounts: SimAccounts,
  lish: { host: string; port: number; keyFile: string },
  provider: SimulatedProvider,
  variant?: SimVariant,
): Record<string, string> {
  switch (provider) {
    case 'openstack': {
      const a = accounts.openstack;
      if (variant === 'openstack-appcred' && a.applicationCredential) {
        return {
          OS_AUTH_URL: simEndpoint(base, provider),
          OS_APPLICATION_CREDENTIAL_ID: a.applicationCredential.id,
          OS_APPLICATION_CREDENTIAL_SECRET: a.applicationCredential.secret,
          OS_REGION_NAME: 'RegionOne',
        };
      }
      return {
        OS_AUTH_URL: simEndpoint(base, provider),
        OS_USERNAME: a.userName,
        OS_PASSWORD: a.password,
        OS_PROJECT_NAME: a.projectName,
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_REGION_NAME: 'RegionOne',
        OS_INTERFACE: 'public',
      };
    }
    case 'conoha': {
      const a = accounts.conoha;
      return {
        OS_AUTH_URL: simEndpoint(base, provider, variant),
        OS_USERNAME: a.userName,
        OS_PASSWORD: a.password,
        OS_TENANT_ID: a.projectId,
        // Must match the catalog's region, or the adapter would fall back to the real conoha.io.
        CONOHA_REGION: variant === 'conoha-v2' ? 'tyo1' : 'c3j1',
      };
    }
    case 'proxmox':
      if (variant === 'proxmox-password') {
        return {
          PROXMOX_VE_ENDPOINT: base,
          PROXMOX_VE_USERNAME: accounts.proxmox.username,
          PROXMOX_VE_PASSWORD: accounts.proxmox.password,
        };
      }
      return {
        PROXMOX_VE_ENDPOINT: base,
        PROXMOX_VE_API_TOKEN: `${accounts.proxmox.tokenId}=${accounts.proxmox.tokenSecret}`,
      };
    case 'linode':
      return {
        LINODE_TOKEN: accounts.linode.token,
        LINODE_LISH_HOST: `${lish.host}:${lish.port}`,
        LINODE_LISH_KEY_FILE: lish.keyFile,
      };
    case 'hetzner':
      return { HCLOUD_TOKEN: accounts.hetzner.token };
  }
}

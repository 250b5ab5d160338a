import { randomBytes, randomUUID } from 'node:crypto';
import { Keystone, keystone404 } from '../../lab/simulator/keystone.js';
import { nova404, novaConsoleUpgrade, novaRoutes } from '../../lab/simulator/nova.js';
import type { Mount, SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

/**
 * The lab simulator's ConoHa: VPS 3.0 (Keystone v3, Nova 2.1 in region c3j1) and, as variant
 * `conoha-v2`, VPS 2.0 (Keystone v2.0, the tenant in the compute URL, region tyo1). Lab only.
 */
export const simulator: SimulatedVendor = {
  start: ({ servers, consoles, base }): VendorInstance => {
    const account = {
      userId: randomBytes(6).toString('hex'),
      userName: `gncu${randomBytes(4).toString('hex')}`,
      password: randomBytes(18).toString('base64url'),
      projectId: randomUUID().replace(/-/g, ''),
      projectName: `gnct${randomBytes(4).toString('hex')}`,
    };
    const tenant = account.projectId;
    const keystone = new Keystone(account, (version) => [
      version === 3
        ? { type: 'compute', name: 'nova', url: `${base()}/conoha/compute/v2.1`, region: 'c3j1' }
        : {
            type: 'compute',
            name: 'Compute Service',
            url: `${base()}/conoha/compute/v2/${tenant}`,
            region: 'tyo1',
          },
    ]);
    const nova = (prefix: string): Mount => ({
      provider: 'conoha',
      prefix,
      routes: novaRoutes({
        keystone,
        servers,
        consoles,
        projectId: account.projectId,
        userId: account.userId,
        conoha: true,
        serialproxy: () => base().replace(/^http/, 'ws'),
      }),
      notFound: nova404,
    });
    const endpoint = (variant?: string) =>
      `${base()}/conoha/identity/${variant === 'conoha-v2' ? 'v2.0' : 'v3'}`;
    return {
      mounts: [
        { provider: 'conoha', prefix: '/conoha/identity', routes: keystone.routes(), notFound: keystone404 },
        nova('/conoha/compute/v2.1'),
        nova(`/conoha/compute/v2/${tenant}`),
      ],
      upgrade: novaConsoleUpgrade(consoles),
      endpoint,
      env: (variant) => ({
        OS_AUTH_URL: endpoint(variant),
        OS_USERNAME: account.userName,
        OS_PASSWORD: account.password,
        OS_TENANT_ID: account.projectId,
        // Must match the catalog's region, or the adapter would fall back to the real conoha.io.
        CONOHA_REGION: variant === 'conoha-v2' ? 'tyo1' : 'c3j1',
      }),
    };
  },
};

import { randomBytes, randomUUID } from 'node:crypto';
import { Keystone, keystone404 } from '../../lab/simulator/keystone.js';
import { nova404, novaConsoleUpgrade, novaRoutes } from '../../lab/simulator/nova.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

/**
 * The lab simulator's OpenStack: Keystone v3 at /openstack/identity and Nova at
 * /openstack/compute/v2.1, with password or application-credential logins (variant
 * `openstack-appcred`). Lab only: never part of the built package.
 */
export const simulator: SimulatedVendor = {
  start: ({ servers, consoles, base }): VendorInstance => {
    const hexId = () => randomUUID().replace(/-/g, '');
    const secret = () => randomBytes(18).toString('base64url');
    const account = {
      userId: hexId(),
      userName: 'lab-operator',
      password: secret(),
      projectId: hexId(),
      projectName: 'lab-project',
      domain: { id: 'default', name: 'Default' },
      applicationCredential: { id: hexId(), secret: secret() },
    };
    const keystone = new Keystone(account, () => [
      { type: 'compute', name: 'nova', url: `${base()}/openstack/compute/v2.1`, region: 'RegionOne' },
      { type: 'identity', name: 'keystone', url: `${base()}/openstack/identity/v3`, region: 'RegionOne' },
    ]);
    const endpoint = () => `${base()}/openstack/identity/v3`;
    return {
      mounts: [
        {
          provider: 'openstack',
          prefix: '/openstack/identity',
          routes: keystone.routes(),
          notFound: keystone404,
        },
        {
          provider: 'openstack',
          prefix: '/openstack/compute/v2.1',
          routes: novaRoutes({
            keystone,
            servers,
            consoles,
            projectId: account.projectId,
            userId: account.userId,
            conoha: false,
            serialproxy: () => base().replace(/^http/, 'ws'),
          }),
          notFound: nova404,
        },
      ],
      upgrade: novaConsoleUpgrade(consoles),
      endpoint,
      env: (variant): Record<string, string> => {
        if (variant === 'openstack-appcred') {
          return {
            OS_AUTH_URL: endpoint(),
            OS_APPLICATION_CREDENTIAL_ID: account.applicationCredential.id,
            OS_APPLICATION_CREDENTIAL_SECRET: account.applicationCredential.secret,
            OS_REGION_NAME: 'RegionOne',
          };
        }
        return {
          OS_AUTH_URL: endpoint(),
          OS_USERNAME: account.userName,
          OS_PASSWORD: account.password,
          OS_PROJECT_NAME: account.projectName,
          OS_USER_DOMAIN_NAME: 'Default',
          OS_PROJECT_DOMAIN_NAME: 'Default',
          OS_REGION_NAME: 'RegionOne',
          OS_INTERFACE: 'public',
        };
      },
    };
  },
};

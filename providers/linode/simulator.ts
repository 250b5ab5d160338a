import { randomBytes } from 'node:crypto';
import { keyFile } from '../../lab/simulator/key-file.js';
import { json } from '../../lab/simulator/http.js';
import { linodeRoutes } from './simulator/api.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

/**
 * The lab simulator's Linode API at /linode/v4, and Lish: one SSH gateway for all Linodes, keys only
 * (lish_auth_method keys_only). Lab only.
 */
export const simulator: SimulatedVendor = {
  start: async ({ servers, consoles, base }): Promise<VendorInstance> => {
    const account = { token: randomBytes(32).toString('hex'), username: 'lab-support' };
    // The adapter reads the private key from the file LINODE_LISH_KEY_FILE names, so it is a real 0600 file.
    const lishKey = await keyFile('lish_ed25519');
    const lish = await consoles
      .lish({
        username: account.username,
        publicKey: lishKey.publicKey,
        byLabel: (label) => servers().find((s) => s.name === label),
      })
      .catch(async (err: unknown) => {
        await lishKey.remove();
        throw err;
      });
    return {
      mounts: [
        {
          provider: 'linode',
          prefix: '/linode/v4',
          routes: linodeRoutes(account, servers),
          notFound: () => json(404, { errors: [{ reason: 'Not found' }] }),
        },
      ],
      endpoint: () => `${base()}/linode/v4`,
      env: () => ({
        LINODE_TOKEN: account.token,
        LINODE_LISH_HOST: `${lish.host}:${lish.port}`,
        LINODE_LISH_KEY_FILE: lishKey.path,
      }),
      close: lishKey.remove,
    };
  },
};

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519KeyPair } from '../../lab/ssh2-keys.js';
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
    const keyDir = await mkdtemp(join(tmpdir(), 'vps-rescue-sim-'));
    const lishKey = ed25519KeyPair();
    const keyFile = join(keyDir, 'lish_ed25519');
    await writeFile(keyFile, lishKey.private, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    const lish = await consoles.lish({
      username: account.username,
      publicKey: lishKey.public,
      byLabel: (label) => servers().find((s) => s.name === label),
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
        LINODE_LISH_KEY_FILE: keyFile,
      }),
      close: () => rm(keyDir, { recursive: true, force: true }),
    };
  },
};

import { randomBytes } from 'node:crypto';
import { hetznerRoutes } from './simulator/api.js';
import { json } from '../../lab/simulator/http.js';
import { refuseUpgrade } from '../../lab/simulator/relay.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

/**
 * The lab simulator's Hetzner Cloud API at /hetzner/v1; its console websocket arrives at the root
 * path and names the server (`/?server_id=&token=`). Lab only.
 */
export const simulator: SimulatedVendor = {
  start: ({ servers, consoles, base }): VendorInstance => {
    const account = { token: randomBytes(32).toString('base64url') };
    return {
      mounts: [
        {
          provider: 'hetzner',
          prefix: '/hetzner/v1',
          routes: hetznerRoutes(account, servers, { consoles: consoles.vnc, base }),
          notFound: () => json(404, { error: { code: 'not_found', message: 'not found', details: {} } }),
        },
      ],
      upgrade: {
        matches: (url) => url.searchParams.has('server_id'),
        handle: ({ req, socket, head, url, logAs }) => {
          logAs('hetzner-console');
          const serverId = url.searchParams.get('server_id');
          const token = url.searchParams.get('token');
          const grant = token
            ? consoles.vnc.claim('hetzner', token, (g) => String(g.server.numericId) === serverId)
            : undefined;
          if (url.pathname !== '/' || !grant) return refuseUpgrade(socket, 401, 'Unauthorized');
          if (!consoles.vnc.serve(req, socket, head, grant)) refuseUpgrade(socket, 502, 'Bad Gateway');
        },
      },
      endpoint: () => `${base()}/hetzner/v1`,
      env: () => ({ HCLOUD_TOKEN: account.token }),
    };
  },
};

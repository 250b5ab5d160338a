import { randomBytes, randomUUID } from 'node:crypto';
import type { SimReply } from '../../lab/simulator/http.js';
import { ProxmoxApi } from './simulator/api.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

const notImplemented = (): SimReply => ({
  status: 501,
  body: { data: null },
  statusText: 'Method not implemented',
});

/**
 * The lab simulator's Proxmox VE at /api2/json (Proxmox builds its URLs from the origin only), with
 * an API token or, as variant `proxmox-password`, a user + password ticket login; termproxy and
 * vncwebsocket upgrades on its API paths. Lab only.
 */
export const simulator: SimulatedVendor = {
  start: ({ servers, consoles, base }): VendorInstance => {
    const account = {
      tokenId: 'root@pam!rescue',
      tokenSecret: randomUUID(),
      username: 'root@pam',
      password: randomBytes(18).toString('base64url'),
    };
    const api = new ProxmoxApi(account, servers, consoles);
    return {
      mounts: [{ provider: 'proxmox', prefix: '/api2/json', routes: api.routes(), notFound: notImplemented }],
      upgrade: {
        matches: (url) => url.pathname.startsWith('/api2/json/'),
        handle: ({ req, socket, head, url, logAs }) => {
          logAs('proxmox');
          api.handleUpgrade(req, socket, head, url.pathname.slice('/api2/json'.length), url.searchParams);
        },
      },
      endpoint: () => base(),
      env: (variant): Record<string, string> =>
        variant === 'proxmox-password'
          ? {
              PROXMOX_VE_ENDPOINT: base(),
              PROXMOX_VE_USERNAME: account.username,
              PROXMOX_VE_PASSWORD: account.password,
            }
          : {
              PROXMOX_VE_ENDPOINT: base(),
              PROXMOX_VE_API_TOKEN: `${account.tokenId}=${account.tokenSecret}`,
            },
    };
  },
};

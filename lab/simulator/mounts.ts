import type { SimAccounts } from './accounts.js';
import { hetznerRoutes } from './hetzner.js';
import { json, type Route, type SimReply } from './http.js';
import { Keystone, type KeystoneAccount } from './keystone.js';
import { linodeRoutes } from './linode.js';
import { novaRoutes } from './nova.js';
import { ProxmoxApi } from './proxmox.js';
import type { ConsoleGateways, SimServer } from './servers.js';

/** One vendor API under a path prefix of the simulator's single HTTP port. */
export interface Mount {
  provider: string;
  prefix: string;
  routes: Route[];
  notFound: () => SimReply;
}

const keystone404 = () =>
  json(404, { error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } });
const nova404 = () => json(404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
const proxmox501 = (): SimReply => ({
  status: 501,
  body: { data: null },
  statusText: 'Method not implemented',
});
const linode404 = () => json(404, { errors: [{ reason: 'Not found' }] });
const hetzner404 = () => json(404, { error: { code: 'not_found', message: 'not found', details: {} } });

/**
 * The URL layout: /openstack/{identity,compute/v2.1}, /conoha/{identity,compute/v2.1,compute/v2/<tenant>},
 * /api2/json (Proxmox builds its URLs from the origin only), /linode/v4, /hetzner/v1.
 */
export function mountRoutes(o: {
  accounts: SimAccounts;
  servers: () => SimServer[];
  consoles: ConsoleGateways;
  base: () => string;
}): { mounts: Mount[]; proxmox: ProxmoxApi } {
  const { accounts, consoles, servers } = o;
  const openstack = new Keystone(accounts.openstack, () => [
    { type: 'compute', name: 'nova', url: `${o.base()}/openstack/compute/v2.1`, region: 'RegionOne' },
    { type: 'identity', name: 'keystone', url: `${o.base()}/openstack/identity/v3`, region: 'RegionOne' },
  ]);
  const conohaTenant = accounts.conoha.projectId;
  const conoha = new Keystone(accounts.conoha, (version) => [
    version === 3
      ? { type: 'compute', name: 'nova', url: `${o.base()}/conoha/compute/v2.1`, region: 'c3j1' }
      : {
          type: 'compute',
          name: 'Compute Service',
          url: `${o.base()}/conoha/compute/v2/${conohaTenant}`,
          region: 'tyo1',
        },
  ]);
  const nova = (keystone: Keystone, account: KeystoneAccount, isConoha: boolean) =>
    novaRoutes({
      keystone,
      servers,
      consoles,
      projectId: account.projectId,
      userId: account.userId,
      conoha: isConoha,
      serialproxy: () => o.base().replace(/^http/, 'ws'),
    });
  const proxmox = new ProxmoxApi(accounts.proxmox, servers, consoles);
  const mounts: Mount[] = [
    {
      provider: 'openstack',
      prefix: '/openstack/identity',
      routes: openstack.routes(),
      notFound: keystone404,
    },
    {
      provider: 'openstack',
      prefix: '/openstack/compute/v2.1',
      routes: nova(openstack, accounts.openstack, false),
      notFound: nova404,
    },
    { provider: 'conoha', prefix: '/conoha/identity', routes: conoha.routes(), notFound: keystone404 },
    {
      provider: 'conoha',
      prefix: '/conoha/compute/v2.1',
      routes: nova(conoha, accounts.conoha, true),
      notFound: nova404,
    },
    {
      provider: 'conoha',
      prefix: `/conoha/compute/v2/${conohaTenant}`,
      routes: nova(conoha, accounts.conoha, true),
      notFound: nova404,
    },
    { provider: 'proxmox', prefix: '/api2/json', routes: proxmox.routes(), notFound: proxmox501 },
    {
      provider: 'linode',
      prefix: '/linode/v4',
      routes: linodeRoutes(accounts.linode, servers),
      notFound: linode404,
    },
    {
      provider: 'hetzner',
      prefix: '/hetzner/v1',
      routes: hetznerRoutes(accounts.hetzner, servers, { consoles: consoles.vnc, base: o.base }),
      notFound: hetzner404,
    },
  ];
  return { mounts, proxmox };
}

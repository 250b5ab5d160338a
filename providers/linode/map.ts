import type { ServerRef, ServerStatus } from '../types.js';

/** The parts of a Linode instance we use (GET /v4/linode/instances/{id}). */
export interface LinodeInstance {
  id: number;
  label: string;
  status: string;
  region: string;
  ipv4: string[];
  ipv6: string | null;
}

export interface LinodeDisk {
  id: number;
  label: string;
  filesystem: string;
  status: string;
}

export interface LinodePage<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}

const STATUS: Record<string, ServerStatus> = {
  running: 'running',
  offline: 'stopped',
  stopped: 'stopped',
  booting: 'starting',
  rebooting: 'rebooting',
  shutting_down: 'stopping',
  provisioning: 'provisioning',
  migrating: 'provisioning',
  rebuilding: 'provisioning',
  cloning: 'provisioning',
  restoring: 'provisioning',
  resizing: 'provisioning',
  deleting: 'stopping',
  billing_suspension: 'suspended',
};

export function toServerRef(linode: LinodeInstance): ServerRef {
  return {
    provider: 'linode',
    id: String(linode.id),
    name: linode.label,
    status: STATUS[linode.status] ?? 'unknown',
    vendorStatus: linode.status,
    addresses: { ipv4: [...linode.ipv4], ipv6: linode.ipv6 ? [linode.ipv6.replace(/\/128$/, '')] : [] },
    location: linode.region,
    vendor: { label: linode.label },
  };
}

/** Lish gateway of a region: lish-<region>.linode.com (e.g. lish-ap-northeast for Tokyo 2). */
export function lishHost(region: string): string {
  return `lish-${region}.linode.com`;
}

/** Rescue device slots: sda…sdg (sdh is the Finnix image itself). */
export const RESCUE_SLOTS = ['sda', 'sdb', 'sdc', 'sdd', 'sde', 'sdf', 'sdg'] as const;

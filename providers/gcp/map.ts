import type { protos } from '@google-cloud/compute';
import type { ServerRef, ServerStatus } from '../types.js';
import { gcp } from './provider.js';

export type Instance = protos.google.cloud.compute.v1.IInstance;
export type Metadata = protos.google.cloud.compute.v1.IMetadata;

/** Instance.status as the SDK's protos (and the discovery document) list it, in the shared vocabulary. */
export const STATUS: Record<string, ServerStatus> = {
  PENDING: 'provisioning',
  PROVISIONING: 'provisioning',
  STAGING: 'starting',
  RUNNING: 'running',
  STOPPING: 'stopping',
  STOPPED: 'stopped',
  SUSPENDING: 'stopping',
  SUSPENDED: 'suspended',
  REPAIRING: 'error',
  TERMINATED: 'stopped',
  DEPROVISIONING: 'stopping',
};

/** The last path segment of a zone (or region) URL: …/zones/us-central1-a → us-central1-a. */
export const lastSegment = (url: string | null | undefined): string => (url ?? '').split('/').pop() ?? '';

/** us-central1-a → us-central1 (a zone's region is its name without the last part). */
export const regionOf = (zone: string): string => zone.replace(/-[a-z]$/, '');

export function toServerRef(instance: Instance, project: string): ServerRef {
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const nic of instance.networkInterfaces ?? []) {
    for (const access of nic.accessConfigs ?? []) if (access.natIP) ipv4.push(access.natIP);
    if (nic.networkIP) ipv4.push(nic.networkIP);
    for (const access of nic.ipv6AccessConfigs ?? []) if (access.externalIpv6) ipv6.push(access.externalIpv6);
    if (nic.ipv6Address) ipv6.push(nic.ipv6Address);
  }
  const vendorStatus = String(instance.status ?? 'UNKNOWN');
  const zone = lastSegment(instance.zone);
  return {
    provider: gcp.id,
    id: String(instance.id ?? ''),
    name: instance.name ?? '',
    status: STATUS[vendorStatus] ?? 'unknown',
    vendorStatus,
    addresses: { ipv4, ipv6 },
    location: zone,
    vendor: { project, zone },
  };
}

/** The value of a metadata key, or undefined. */
export function metadataValue(metadata: Metadata | null | undefined, key: string): string | undefined {
  const item = metadata?.items?.find((i) => i.key === key);
  return item ? (item.value ?? '') : undefined;
}

/**
 * A boolean metadata value as the metadata server reads it (TRUE/true/1/yes/y/on; FALSE/false/0/no/
 * n/off), or undefined when unset or not a boolean.
 */
export function metadataFlag(metadata: Metadata | null | undefined, key: string): boolean | undefined {
  const value = metadataValue(metadata, key)?.trim().toLowerCase();
  if (value === undefined) return undefined;
  if (['true', '1', 'yes', 'y', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'n', 'off'].includes(value)) return false;
  return undefined;
}

/** One line of `ssh-keys` metadata: `user:keytype base64 [comment]` (comment may be JSON for expiring keys). */
export interface MetadataKey {
  user: string;
  type: string;
  base64: string;
}

export function metadataKeys(metadata: Metadata | null | undefined): MetadataKey[] {
  // `sshKeys` is the older key, still honoured by the guest agent next to `ssh-keys`.
  const text = [metadataValue(metadata, 'ssh-keys'), metadataValue(metadata, 'sshKeys')].join('\n');
  return text.split('\n').flatMap((line) => {
    const m = /^\s*([^:\s]+):(\S+)\s+(\S+)/.exec(line);
    return m ? [{ user: m[1]!, type: m[2]!, base64: m[3]! }] : [];
  });
}

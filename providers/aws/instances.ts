import { DescribeInstancesCommand, type Filter, type Instance } from '@aws-sdk/client-ec2';
import type { Lang } from '../../src/i18n/index.js';
import { pickOne } from '../errors.js';
import type { FindQuery, ServerRef, ServerStatus } from '../types.js';
import type { AwsClients } from './clients.js';
import { aws } from './provider.js';
import { errorName, fromSdkError } from './sdk-errors.js';

/**
 * Finding an instance as the EC2 console's search does: by id, public or private IPv4, IPv6, public
 * or private DNS name, or Name tag, in every configured region (filters are ANDed by EC2, so each
 * kind of address is its own DescribeInstances call).
 */

/** EC2 instance states (InstanceStateName in the EC2 model). */
const STATUS: Record<string, ServerStatus> = {
  pending: 'starting',
  running: 'running',
  'shutting-down': 'stopping',
  terminated: 'stopped',
  stopping: 'stopping',
  stopped: 'stopped',
};

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** What a --host that is not an IP address names: an instance id, a DNS name, or a Name tag. */
function lookupsFor(query: FindQuery): Array<{ ids?: string[]; filters?: Filter[] }> {
  const by = (name: string, value: string) => ({ filters: [{ Name: name, Values: [value] }] });
  if ('id' in query) return [{ ids: [query.id] }];
  if ('ip' in query) {
    return query.ip.includes(':')
      ? [by('network-interface.ipv6-addresses.ipv6-address', query.ip)]
      : [by('ip-address', query.ip), by('private-ip-address', query.ip)];
  }
  if (INSTANCE_ID.test(query.name)) return [{ ids: [query.name] }];
  if (query.name.includes('.')) return [by('dns-name', query.name), by('private-dns-name', query.name)];
  return [by('tag:Name', query.name)];
}

export function toRef(instance: Instance, region: string): ServerRef {
  const ipv4 = [instance.PublicIpAddress, instance.PrivateIpAddress].filter((a): a is string => !!a);
  const ipv6 = (instance.NetworkInterfaces ?? []).flatMap((n) =>
    (n.Ipv6Addresses ?? []).flatMap((a) => (a.Ipv6Address ? [a.Ipv6Address] : [])),
  );
  if (instance.Ipv6Address && !ipv6.includes(instance.Ipv6Address)) ipv6.unshift(instance.Ipv6Address);
  const state = instance.State?.Name ?? 'unknown';
  const id = instance.InstanceId ?? '';
  return {
    provider: aws.id,
    id,
    name: instance.Tags?.find((tag) => tag.Key === 'Name')?.Value ?? id,
    status: STATUS[state] ?? 'unknown',
    vendorStatus: state,
    addresses: { ipv4: [...new Set(ipv4)], ipv6: [...new Set(ipv6)] },
    location: region,
    vendor: {
      region,
      instanceType: instance.InstanceType ?? '',
      ...(instance.Placement?.AvailabilityZone ? { zone: instance.Placement.AvailabilityZone } : {}),
      ...(instance.PublicDnsName ? { dnsName: instance.PublicDnsName } : {}),
      ...(instance.Platform ? { platform: instance.Platform } : {}),
    },
  };
}

async function describe(
  clients: AwsClients,
  region: string,
  lookup: { ids?: string[]; filters?: Filter[] },
  lang: Lang,
): Promise<ServerRef[]> {
  const { ec2 } = clients.in(region);
  const found: ServerRef[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await ec2.send(
        new DescribeInstancesCommand({
          ...(lookup.ids ? { InstanceIds: lookup.ids } : {}),
          ...(lookup.filters ? { Filters: lookup.filters } : {}),
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const reservation of page.Reservations ?? [])
        for (const instance of reservation.Instances ?? []) found.push(toRef(instance, region));
      token = page.NextToken;
    } catch (err) {
      // An id that is not in this region (or not an id at all) is a miss here, not a failure.
      if (/^InvalidInstanceID\.(NotFound|Malformed)$/.test(errorName(err))) return found;
      throw fromSdkError(err, 'find instance', lang);
    }
  } while (token);
  return found;
}

export async function findInstance(clients: AwsClients, query: FindQuery, lang: Lang): Promise<ServerRef> {
  const matches = new Map<string, ServerRef>();
  for (const region of clients.regions) {
    for (const lookup of lookupsFor(query)) {
      for (const ref of await describe(clients, region, lookup, lang)) {
        // A terminated instance keeps its tag for an hour but can never be rescued.
        if (ref.vendorStatus !== 'terminated') matches.set(`${region}/${ref.id}`, ref);
      }
      // The public address or name answered: the private lookup (another call) is not needed.
      if (matches.size > 0) break;
    }
    if (matches.size > 0 && ('id' in query || INSTANCE_ID.test('name' in query ? query.name : ''))) break;
  }
  return pickOne(aws.id, query, [...matches.values()]);
}

import type { VirtualMachine } from '@azure/arm-compute';
import type { ServerAddresses, ServerRef, ServerStatus } from '../types.js';
import type { AzureConnection } from './auth.js';
import { ID } from './auth.js';

/** `/subscriptions/…/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}`, or `group/name`. */
export function parseVmId(id: string): { group: string; name: string } | undefined {
  const full = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
    id,
  );
  if (full) return { group: full[1]!, name: full[2]! };
  const short = /^([\w.()-]+)\/([\w.-]+)$/.exec(id);
  return short ? { group: short[1]!, name: short[2]! } : undefined;
}

/** PowerState/<x> as the instance view reports it (VirtualMachine_Get_InstanceView.json). */
const POWER: Record<string, ServerStatus> = {
  running: 'running',
  starting: 'starting',
  stopping: 'stopping',
  stopped: 'stopped',
  deallocating: 'stopping',
  deallocated: 'stopped',
};

export function toRef(vm: VirtualMachine): ServerRef {
  // The SDK lifts `properties.*` onto the model.
  const props = vm;
  const view = props.instanceView;
  const power = view?.statuses
    ?.find((s) => s.code?.startsWith('PowerState/'))
    ?.code?.slice('PowerState/'.length);
  const agent = view?.vmAgent?.statuses?.[0]?.displayStatus ?? 'unknown';
  const where = parseVmId(vm.id ?? '');
  const linux = props.osProfile?.linuxConfiguration;
  return {
    provider: ID,
    id: vm.id ?? '',
    name: vm.name ?? where?.name ?? '',
    status: power ? (POWER[power] ?? 'unknown') : 'unknown',
    vendorStatus: power ?? 'unknown',
    addresses: { ipv4: [], ipv6: [] },
    location: vm.location,
    vendor: {
      resourceGroup: where?.group ?? '',
      bootDiagnostics: props.diagnosticsProfile?.bootDiagnostics?.enabled === true,
      agent,
      os: props.storageProfile?.osDisk?.osType ?? (linux ? 'Linux' : (view?.osName ?? '')),
      passwordLogin: linux ? linux.disablePasswordAuthentication !== true : true,
    },
  };
}

export interface AddressHit {
  vmId: string;
  addresses: ServerAddresses;
}

const family = (ip: string): keyof ServerAddresses => (ip.includes(':') ? 'ipv6' : 'ipv4');

/**
 * Which VM holds `ip`: a NIC's private address, or a public IP attached to one of its IP
 * configurations. Two subscription-wide listings (NICs, public IPs), then a match; the VM is the
 * NIC's `virtualMachine`. Every address of the matching VM's NICs comes back with it.
 */
export async function findByIp(
  c: AzureConnection,
  ip: string,
  abortSignal: AbortSignal,
): Promise<AddressHit[]> {
  const publicByConfig = new Map<string, string>();
  for await (const pip of c.network.publicIPAddresses.listAll({ abortSignal })) {
    const config = pip.ipConfiguration?.id;
    if (config && pip.ipAddress) publicByConfig.set(config.toLowerCase(), pip.ipAddress);
  }
  const byVm = new Map<string, AddressHit>();
  for await (const nic of c.network.networkInterfaces.listAll({ abortSignal })) {
    const vmId = nic.virtualMachine?.id;
    if (!vmId) continue;
    const hit = byVm.get(vmId.toLowerCase()) ?? { vmId, addresses: { ipv4: [], ipv6: [] } };
    for (const config of nic.ipConfigurations ?? []) {
      const own = [
        config.privateIPAddress,
        config.id ? publicByConfig.get(config.id.toLowerCase()) : undefined,
      ];
      for (const address of own) if (address) hit.addresses[family(address)].push(address);
    }
    byVm.set(vmId.toLowerCase(), hit);
  }
  return [...byVm.values()].filter((h) => [...h.addresses.ipv4, ...h.addresses.ipv6].includes(ip));
}

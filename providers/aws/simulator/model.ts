import type { SimServer } from '../../../lab/simulator/servers.js';

/**
 * How a lab server looks as an EC2 instance in the simulator: its address is the public IPv4, the
 * server's name its Name tag. Field names follow the EC2 model (ec2.json `Instance`, XML names).
 */
export const SIM_REGION = 'us-east-1';

export interface SimInstance {
  server: SimServer;
  id: string;
  publicIp: string;
  privateIp: string;
  publicDns: string;
  privateDns: string;
  /** serialPort false: a Xen type, which has no serial console. */
  type: 't3.micro' | 't2.micro';
}

export function instanceOf(server: SimServer): SimInstance {
  const privateIp = `10.0.${Math.floor(server.numericId / 250) % 250}.${(server.numericId % 250) + 2}`;
  return {
    server,
    id: `i-0${server.numericId.toString(16).padStart(16, '0')}`,
    publicIp: server.address,
    privateIp,
    publicDns: `ec2-${server.address.replace(/\./g, '-')}.compute-1.amazonaws.com`,
    privateDns: `ip-${privateIp.replace(/\./g, '-')}.ec2.internal`,
    type: server.serialPort ? 't3.micro' : 't2.micro',
  };
}

const esc = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function ec2Response(action: string, inner: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>${requestId}</requestId>${inner}</${action}Response>`;
}

export function ec2Error(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

export function instanceXml(i: SimInstance): string {
  return [
    '<item>',
    `<instanceId>${i.id}</instanceId>`,
    '<imageId>ami-0d1e2f3a4b5c6d7e8</imageId>',
    '<instanceState><code>16</code><name>running</name></instanceState>',
    `<privateDnsName>${i.privateDns}</privateDnsName>`,
    `<dnsName>${i.publicDns}</dnsName>`,
    `<instanceType>${i.type}</instanceType>`,
    `<placement><availabilityZone>${SIM_REGION}a</availabilityZone><tenancy>default</tenancy></placement>`,
    `<privateIpAddress>${i.privateIp}</privateIpAddress>`,
    `<ipAddress>${i.publicIp}</ipAddress>`,
    '<architecture>x86_64</architecture>',
    `<tagSet><item><key>Name</key><value>${esc(i.server.name)}</value></item></tagSet>`,
    '<hypervisor>xen</hypervisor>',
    `<networkInterfaceSet><item><privateIpAddress>${i.privateIp}</privateIpAddress><ipv6AddressesSet/></item></networkInterfaceSet>`,
    '</item>',
  ].join('');
}

/** The EC2 DescribeInstances filters the simulator understands, as EC2 names them. */
export const FILTERS: Record<string, (i: SimInstance) => string[]> = {
  'ip-address': (i) => [i.publicIp],
  'private-ip-address': (i) => [i.privateIp],
  'dns-name': (i) => [i.publicDns],
  'private-dns-name': (i) => [i.privateDns],
  'tag:Name': (i) => [i.server.name],
  'instance-id': (i) => [i.id],
  'instance-state-name': () => ['running'],
  'network-interface.ipv6-addresses.ipv6-address': () => [],
};

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectsWithCode } from '../../test/support/fixture.js';
import { startSimulator, type Simulator } from '../../lab/simulator/index.js';
import { SshGatewayTransport } from '../../src/console/transport/ssh-gateway.js';
import { loadProvider } from '../index.js';
import { awsSimulatorAt } from './simulator.js';

/**
 * The lab simulator's AWS as the vendor's SDK sees it, without a lab server: every answer below was
 * parsed by the real SDK clients (XML for EC2, JSON 1.1 for SSM and Instance Connect), so a shape
 * the simulator got wrong fails here before it misleads a lab test. The servers are registrations
 * without a console or a back door.
 */
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    servers: [
      { name: 'web-1', address: '127.0.1.241', consoleSocket: '/nonexistent' },
      {
        name: 'old-1',
        address: '127.0.1.242',
        consoleSocket: '/nonexistent',
        serialPort: false,
        guestAgent: false,
      },
    ],
  });
});
afterAll(() => sim.close());

const adapter = (variant?: string, env: Record<string, string> = {}) =>
  loadProvider('aws', {
    ...sim.context('aws', { variant }),
    pollIntervalMs: 10,
    retry: { retries: 0 },
    env: { ...sim.env('aws', variant), ...env },
  });

describe('the AWS simulator, read by the AWS SDK', () => {
  it('finds instances by public and private address, DNS name, Name tag and id', async () => {
    const a = await adapter();
    const byIp = await a.findServer({ ip: '127.0.1.241' });
    expect(byIp).toMatchObject({
      name: 'web-1',
      status: 'running',
      location: 'us-east-1',
      vendor: { instanceType: 't3.micro' },
    });
    const privateIp = byIp.addresses.ipv4[1]!;
    expect((await a.findServer({ ip: privateIp })).id).toBe(byIp.id);
    expect((await a.findServer({ name: String(byIp.vendor?.dnsName) })).id).toBe(byIp.id);
    expect((await a.findServer({ name: 'web-1' })).id).toBe(byIp.id);
    expect((await a.findServer({ name: byIp.id })).name).toBe('web-1');
    await rejectsWithCode(a.findServer({ name: 'nope' }), 'provider.not-found');
    await rejectsWithCode(a.findServer({ id: 'i-0ffffffffffffffff' }), 'provider.not-found');
  });

  it('a wrong secret access key with the right key id is refused: the simulator checks the signature itself', async () => {
    const a = await adapter(undefined, { AWS_SECRET_ACCESS_KEY: 'wrong-secret-for-the-right-key-id' });
    await rejectsWithCode(a.findServer({ name: 'web-1' }), 'auth.failed');
  });

  it('a key id the account does not have is auth.failed (EC2 AuthFailure, SSM UnrecognizedClientException)', async () => {
    const a = await adapter(undefined, { AWS_ACCESS_KEY_ID: 'AKIANOTTHEACCOUNT00' });
    await rejectsWithCode(a.findServer({ name: 'web-1' }), 'auth.failed');
    const server = await (await adapter()).findServer({ name: 'web-1' });
    await rejectsWithCode(a.runCommand!(server, ['/bin/sh'], {}), 'auth.failed');
  });

  it('each missing prerequisite says what it is: serial access off, Xen type, SSM agent not answering', async () => {
    const web = await (await adapter()).findServer({ name: 'web-1' });
    const old = await (await adapter()).findServer({ name: 'old-1' });
    const off = await rejectsWithCode(
      (await adapter('aws-serial-off')).openConsole(web, 'serial'),
      'console.unavailable',
    );
    expect(off.params.hint).toMatch(/serial console access is off/);
    const xen = await rejectsWithCode((await adapter()).openConsole(old, 'serial'), 'console.unavailable');
    expect(xen.params.hint).toMatch(/t2\.micro is not built on the Nitro System \(hypervisor xen\)/);
    const agent = await rejectsWithCode(
      (await adapter()).runCommand!(old, ['/bin/sh'], {}),
      'provider.precondition',
    );
    expect(agent.params.reason).toMatch(/SSM agent of i-0\w+ is ConnectionLost/);
  });

  it('the serial gateway takes the pushed key for 60 s and only as <instance>.port0, pinned host key', async () => {
    const a = await adapter();
    const web = await a.findServer({ name: 'web-1' });
    const endpoint = await a.openConsole(web, 'serial');
    if (endpoint.kind !== 'serial-ssh') throw new Error(endpoint.kind);
    expect(awsSimulatorAt(sim.endpoint('aws'))!.api.log).toContain('SendSerialConsoleSSHPublicKey');
    // Another instance's user, or another host key, is refused.
    const old = await a.findServer({ name: 'old-1' });
    await rejectsWithCode(
      SshGatewayTransport.open({ ...endpoint, username: `${old.id}.port0` }),
      'console.connect',
    );
    await rejectsWithCode(
      SshGatewayTransport.open({
        ...endpoint,
        hostKeySha256: 'SHA256:dXwn5ma/xadVMeBZGEru5l2gx+yI5LDiJaLUcz0FMmw',
      }),
      'console.connect',
    );
    // The right user and key get in; this registration has no console behind it, which the gateway says.
    const transport = await SshGatewayTransport.open(endpoint);
    const said = await new Promise<string>((resolve) => {
      let text = '';
      transport.onData((d) => (text += Buffer.from(d).toString()));
      transport.onClose(() => resolve(text));
    });
    expect(said).toMatch(/serial console unavailable/);
  });
});

import ssh2 from 'ssh2';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import {
  amzJson,
  awsAdapter,
  CONNECT,
  ec2,
  INSTANCE,
  json,
  replyEc2,
  replyJson,
  SERVER,
  xml,
} from './contract.js';

/**
 * The adapter against the AWS SDK's real HTTP: nock sees what the SDK signs and serializes (EC2
 * query form, awsJson1_1 with X-Amz-Target) and answers with fixtures in the shapes of AWS's
 * published models (fixtures/SOURCES.md). Strict: every request must match, every mock be used.
 */
useStrictNock();
const adapter = awsAdapter;
beforeEach(() => clearSecretsForTest());

describe('the EC2 serial console', () => {
  const accessStatus = (fixture: string) =>
    replyEc2(ec2('GetSerialConsoleAccessStatus'), { status: 200, body: xml(fixture) });
  const instanceType = (fixture: string, type = 't3.micro') =>
    replyEc2(ec2('DescribeInstanceTypes', { 'InstanceType.1': type }), { status: 200, body: xml(fixture) });

  it('pushes a one-time ed25519 key for port 0 and returns the gateway with the published fingerprint', async () => {
    accessStatus('serial-access-enabled.xml');
    instanceType('instance-type-nitro.xml');
    let pushed = '';
    replyJson(
      amzJson(CONNECT, 'AWSEC2InstanceConnectService.SendSerialConsoleSSHPublicKey', (body) => {
        pushed = String(body.SSHPublicKey);
        return body.InstanceId === INSTANCE && body.SerialPort === 0;
      }),
      200,
      json('send-serial-key.json'),
    );
    const endpoint = await (await adapter()).openConsole(SERVER, 'serial');
    expect(endpoint).toMatchObject({
      kind: 'serial-ssh',
      host: 'serial-console.ec2-instance-connect.us-east-1.aws',
      port: 22,
      username: `${INSTANCE}.port0`,
      hostKeySha256: 'SHA256:dXwn5ma/xadVMeBZGEru5l2gx+yI5LDiJaLUcz0FMmw',
    });
    // The key AWS was given is the public half of the one handed to the console, and nothing else.
    expect(pushed).toMatch(/^ssh-ed25519 \S+$/);
    expect(pushed.length).toBeGreaterThanOrEqual(80);
    const priv = ssh2.utils.parseKey(endpoint.kind === 'serial-ssh' ? endpoint.privateKey! : '');
    const pub = ssh2.utils.parseKey(pushed);
    if (priv instanceof Error || pub instanceof Error) throw new Error('unreadable key');
    expect(priv.getPublicSSH().equals(pub.getPublicSSH())).toBe(true);
    expect(mask(endpoint.kind === 'serial-ssh' ? endpoint.privateKey! : '')).not.toContain('PRIVATE KEY');
  });

  it('account access off: console.unavailable with the command that turns it on, no key pushed', async () => {
    accessStatus('serial-access-disabled.xml');
    const err = await rejectsWithCode((await adapter()).openConsole(SERVER, 'serial'), 'console.unavailable');
    expect(err.params.hint).toMatch(/aws ec2 enable-serial-console-access --region us-east-1/);
  });

  it('a Xen instance type: console.unavailable naming the type and Nitro', async () => {
    accessStatus('serial-access-enabled.xml');
    instanceType('instance-type-xen.xml', 't2.micro');
    const server = { ...SERVER, vendor: { instanceType: 't2.micro' } };
    const err = await rejectsWithCode((await adapter()).openConsole(server, 'serial'), 'console.unavailable');
    expect(err.params.hint).toMatch(/t2\.micro is not built on the Nitro System \(hypervisor xen\)/);
  });

  it("Instance Connect's own refusals: access disabled, one session at a time", async () => {
    for (const [fixture, hint] of [
      ['error-serial-access-disabled.json', /serial console access is off/],
      ['error-serial-session-limit.json', /another session is already connected/],
    ] as const) {
      accessStatus('serial-access-enabled.xml');
      instanceType('instance-type-nitro.xml');
      replyJson(
        amzJson(CONNECT, 'AWSEC2InstanceConnectService.SendSerialConsoleSSHPublicKey'),
        400,
        json(fixture),
      );
      const err = await rejectsWithCode(
        (await adapter()).openConsole(SERVER, 'serial'),
        'console.unavailable',
      );
      expect(err.params.hint).toMatch(hint);
    }
  });

  it('a region without a published fingerprint is refused unless one is pinned', async () => {
    const far = { ...SERVER, location: 'xx-nowhere-1' };
    const err = await rejectsWithCode((await adapter()).openConsole(far, 'serial'), 'console.unavailable');
    expect(err.params.hint).toMatch(/VPS_RESCUE_AWS_SERIAL_HOST_KEY/);
  });

  it('VNC is refused before any call', async () => {
    await rejectsWithCode((await adapter()).openConsole(SERVER, 'vnc'), 'provider.unsupported');
  });
});

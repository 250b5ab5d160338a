import {
  DescribeInstanceTypesCommand,
  GetSerialConsoleAccessStatusCommand,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { SendSerialConsoleSSHPublicKeyCommand } from '@aws-sdk/client-ec2-instance-connect';
import ssh2 from 'ssh2';
import type { SshGatewayEndpoint } from '../../src/console/endpoint.js';
import { t, type Lang } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { consoleUnavailable } from '../errors.js';
import type { ServerRef } from '../types.js';
import type { RegionClients } from './clients.js';
import { errorName, fromSdkError } from './sdk-errors.js';
import type { AwsSettings } from './settings.js';

/**
 * The EC2 serial console: account access must be on in the region and the instance built on Nitro;
 * a fresh ed25519 key, made in memory for this one connection, is pushed with EC2 Instance Connect
 * (AWS keeps it 60 s), and the console is an SSH session to the region's gateway as
 * `<instance-id>.port0`, whose host key must match the fingerprint AWS publishes for the region.
 */

/** An ed25519 pair ssh2 can read back (its generator drops a leading zero byte about 1 time in 256). */
function oneTimeKey(): { privateKey: string; publicKey: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (
      !(ssh2.utils.parseKey(pair.private) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.public) instanceof Error)
    ) {
      // The public line without a comment: AWS takes the key material (80 to 4096 characters).
      return { privateKey: pair.private, publicKey: pair.public.split(' ').slice(0, 2).join(' ') };
    }
  }
}

/** Instance Connect's refusals (ec2-instance-connect.json) that the user can act on. */
function refused(err: unknown, server: ServerRef, lang: Lang, region: string): Error {
  const name = errorName(err);
  const hint = (key: Parameters<typeof t>[1], params: Record<string, string>) =>
    consoleUnavailable('serial', server, t(lang, key, params));
  switch (name) {
    case 'SerialConsoleAccessDisabledException':
      return hint('providers.hint.aws-serial-access-off', { region });
    case 'SerialConsoleSessionLimitExceededException':
      return hint('providers.hint.aws-serial-busy', { instance: server.id });
    case 'EC2InstanceTypeInvalidException':
      return hint('providers.hint.aws-not-nitro', {
        type: String(server.vendor?.instanceType ?? '?'),
        hypervisor: '?',
      });
    case 'EC2InstanceStateInvalidException':
    case 'EC2InstanceUnavailableException':
    case 'SerialConsoleSessionUnavailableException':
    case 'SerialConsoleSessionUnsupportedException':
    case 'EC2InstanceNotFoundException':
      return hint('providers.hint.aws-serial-refused', {
        code: name,
        message: String((err as { message?: string }).message ?? '').slice(0, 200),
      });
    default:
      return fromSdkError(err, 'send serial console key', lang);
  }
}

export async function openSerialConsole(
  clients: RegionClients,
  settings: AwsSettings,
  server: ServerRef,
  lang: Lang,
): Promise<SshGatewayEndpoint> {
  const region = clients.region;
  if (server.status !== 'running') {
    throw consoleUnavailable(
      'serial',
      server,
      t(lang, 'providers.hint.aws-not-running', { state: server.vendorStatus }),
    );
  }
  const gateway = settings.serialGateway(region);
  if (!gateway)
    throw consoleUnavailable('serial', server, t(lang, 'providers.hint.aws-no-fingerprint', { region }));

  const access = await clients.ec2.send(new GetSerialConsoleAccessStatusCommand({})).catch((err: unknown) => {
    throw fromSdkError(err, 'read serial console access', lang);
  });
  if (!access.SerialConsoleAccessEnabled) {
    throw consoleUnavailable('serial', server, t(lang, 'providers.hint.aws-serial-access-off', { region }));
  }
  const type = String(server.vendor?.instanceType ?? '');
  if (type) {
    const types = await clients.ec2
      .send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as _InstanceType] }))
      .catch((err: unknown) => {
        throw fromSdkError(err, 'describe instance type', lang);
      });
    const info = types.InstanceTypes?.[0];
    // Bare-metal types have no hypervisor and do have the serial console.
    if (info && info.Hypervisor !== 'nitro' && !info.BareMetal) {
      throw consoleUnavailable(
        'serial',
        server,
        t(lang, 'providers.hint.aws-not-nitro', { type, hypervisor: info.Hypervisor ?? '-' }),
      );
    }
  }

  const key = oneTimeKey();
  registerSecret(key.privateKey);
  await clients.connect
    .send(
      new SendSerialConsoleSSHPublicKeyCommand({
        InstanceId: server.id,
        SerialPort: 0,
        SSHPublicKey: key.publicKey,
      }),
    )
    .catch((err: unknown) => {
      throw refused(err, server, lang, region);
    });
  return {
    kind: 'serial-ssh',
    host: gateway.host,
    port: gateway.port,
    username: `${server.id}.port0`,
    privateKey: key.privateKey,
    hostKeySha256: gateway.fingerprint,
  };
}

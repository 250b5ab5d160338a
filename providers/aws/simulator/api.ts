import { randomUUID } from 'node:crypto';
import type { SimServer } from '../../../lab/simulator/servers.js';
import { ec2Error, ec2Response, FILTERS, instanceOf, instanceXml, type SimInstance } from './model.js';
import { claimedKeyId, validSignature, type SignedRequest } from './sigv4.js';
import { SsmCommands } from './ssm.js';

/**
 * The three AWS APIs the adapter calls, on one endpoint: EC2 (query protocol, form body, XML) and
 * SSM / EC2 Instance Connect (awsJson1_1, X-Amz-Target). A request is the account's when its SigV4
 * credential scope names the account's access key id (the signature itself is not recomputed).
 */
export interface SimAccount {
  accessKeyId: string;
  secretAccessKey: string;
  /** The account-level EC2 serial console switch (GetSerialConsoleAccessStatus). */
  serialConsoleAccess: boolean;
}

export interface PushedKey {
  instanceId: string;
  publicKey: string;
  expiresAt: number;
}

export interface AwsReply {
  status: number;
  body: string;
  contentType: string;
}

const xmlReply = (status: number, body: string): AwsReply => ({
  status,
  body,
  contentType: 'text/xml;charset=UTF-8',
});
const jsonReply = (status: number, body: unknown): AwsReply => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/x-amz-json-1.1',
});

/** Form fields `Prefix.N` (and `Prefix.N.Sub.M`) in order. */
function listed(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let n = 1; form.has(`${prefix}.${n}`); n++) out.push(form.get(`${prefix}.${n}`)!);
  return out;
}

export class AwsApi {
  readonly log: string[] = [];
  readonly keys: PushedKey[] = [];
  /** Instances whose serial console has a session open (one at a time, as at AWS). */
  readonly serialSessions = new Set<string>();
  /** The Run Command side: its `scripts` are every command text the agent ran (SSM keeps them in its history). */
  readonly ssm: SsmCommands;

  constructor(
    private readonly accounts: SimAccount[],
    private readonly servers: () => SimServer[],
  ) {
    this.ssm = new SsmCommands();
  }

  instances(): SimInstance[] {
    return this.servers().map(instanceOf);
  }

  /** The account whose key signed the request, checked by signing it again with that account's secret. */
  private async accountOf(req: SignedRequest): Promise<SimAccount | undefined> {
    const key = claimedKeyId(String(req.headers.authorization ?? ''));
    const account = this.accounts.find((a) => a.accessKeyId === key);
    return account && (await validSignature(req, account.secretAccessKey)) ? account : undefined;
  }

  async handle(req: SignedRequest): Promise<AwsReply> {
    const { headers, body } = req;
    const target = String(headers['x-amz-target'] ?? '');
    const account = await this.accountOf(req);
    if (target) {
      const [service, operation] = target.split('.');
      this.log.push(operation ?? target);
      if (!account)
        return jsonReply(400, {
          __type: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        });
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      if (service === 'AmazonSSM') return this.ssm.handle(operation ?? '', input, this.instances());
      if (service === 'AWSEC2InstanceConnectService' && operation === 'SendSerialConsoleSSHPublicKey')
        return this.pushKey(account, input);
      return jsonReply(400, { __type: 'UnknownOperationException' });
    }
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    this.log.push(action);
    const requestId = randomUUID();
    if (!account)
      return xmlReply(
        401,
        ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', requestId),
      );
    switch (action) {
      case 'DescribeInstances':
        return this.describeInstances(form, requestId);
      case 'GetSerialConsoleAccessStatus':
        return xmlReply(
          200,
          ec2Response(
            action,
            `<serialConsoleAccessEnabled>${account.serialConsoleAccess}</serialConsoleAccessEnabled><managedBy>account</managedBy>`,
            requestId,
          ),
        );
      case 'DescribeInstanceTypes': {
        const items = listed(form, 'InstanceType')
          .map((type) => {
            const nitro = type !== 't2.micro';
            return `<item><instanceType>${type}</instanceType><bareMetal>false</bareMetal><hypervisor>${nitro ? 'nitro' : 'xen'}</hypervisor></item>`;
          })
          .join('');
        return xmlReply(200, ec2Response(action, `<instanceTypeSet>${items}</instanceTypeSet>`, requestId));
      }
      default:
        return xmlReply(
          400,
          ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`, requestId),
        );
    }
  }

  private describeInstances(form: URLSearchParams, requestId: string): AwsReply {
    let found = this.instances();
    const ids = listed(form, 'InstanceId');
    const missing = ids.filter((id) => !found.some((i) => i.id === id));
    if (missing.length > 0) {
      const code = missing.some((id) => !/^i-[0-9a-f]{8,17}$/.test(id))
        ? 'InvalidInstanceID.Malformed'
        : 'InvalidInstanceID.NotFound';
      return xmlReply(
        400,
        ec2Error(code, `The instance ID '${missing.join(', ')}' does not exist`, requestId),
      );
    }
    if (ids.length > 0) found = found.filter((i) => ids.includes(i.id));
    for (let n = 1; form.has(`Filter.${n}.Name`); n++) {
      const name = form.get(`Filter.${n}.Name`)!;
      const values = listed(form, `Filter.${n}.Value`);
      const of = FILTERS[name];
      if (!of)
        return xmlReply(400, ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`, requestId));
      found = found.filter((i) => of(i).some((v) => values.includes(v)));
    }
    const reservations = found
      .map(
        (i) =>
          `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>${instanceXml(i)}</instancesSet></item>`,
      )
      .join('');
    return xmlReply(
      200,
      ec2Response('DescribeInstances', `<reservationSet>${reservations}</reservationSet>`, requestId),
    );
  }

  private pushKey(account: SimAccount, input: Record<string, unknown>): AwsReply {
    const instance = this.instances().find((i) => i.id === input.InstanceId);
    if (!instance)
      return jsonReply(400, { __type: 'EC2InstanceNotFoundException', Message: 'Instance not found' });
    if (!account.serialConsoleAccess)
      return jsonReply(400, {
        __type: 'SerialConsoleAccessDisabledException',
        Message: 'Serial console access is disabled for your account.',
      });
    if (instance.type === 't2.micro')
      return jsonReply(400, {
        __type: 'EC2InstanceTypeInvalidException',
        Message: 'The instance type is not supported for connecting via the serial console.',
      });
    if (this.serialSessions.has(instance.id))
      return jsonReply(400, {
        __type: 'SerialConsoleSessionLimitExceededException',
        Message: 'The instance currently has 1 active serial console session.',
      });
    const publicKey = String(input.SSHPublicKey ?? '');
    if (publicKey.length < 80 || publicKey.length > 4096)
      return jsonReply(400, { __type: 'InvalidArgsException', Message: 'SSHPublicKey length' });
    this.keys.push({ instanceId: instance.id, publicKey, expiresAt: Date.now() + 60_000 });
    return jsonReply(200, { RequestId: randomUUID(), Success: true });
  }
}

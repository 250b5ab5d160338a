import { readFileSync } from 'node:fs';
import nock from 'nock';
import { fixtureOf, type ContractRow, type Reply } from '../contract-row.js';
import { loadProvider } from '../index.js';
import type { ProviderContext, ServerRef } from '../types.js';

/**
 * How aws answers the shared adapter contract (providers/contract.test.ts), and the mocks the
 * folder's own tests share. The SDK itself sends every request (signed, serialized): EC2 is the
 * query protocol (form body, XML answers), SSM and Instance Connect awsJson1_1 (X-Amz-Target).
 * Test support only.
 */
export const REGION = 'us-east-1';
export const EC2 = `https://ec2.${REGION}.amazonaws.com`;
export const SSM = `https://ssm.${REGION}.amazonaws.com`;
export const CONNECT = `https://ec2-instance-connect.${REGION}.amazonaws.com`;
export const INSTANCE = 'i-0123456789abcdef0';

export const xml = (name: string): string =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
export const json = fixtureOf(import.meta.url);

const XML = { 'Content-Type': 'text/xml;charset=UTF-8' };
const AMZ_JSON = { 'Content-Type': 'application/x-amz-json-1.1' };

/** The form fields of an EC2 query request, whatever shape nock hands the body in. */
export function formOf(body: unknown): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  return new URLSearchParams(Object.entries(body as Record<string, string>));
}

/** One EC2 call whose form has Action=`action` and every field in `fields`. */
export function ec2(action: string, fields: Record<string, string> = {}): nock.Interceptor {
  return nock(EC2)
    .post('/', (body: unknown) => {
      const form = formOf(body);
      return form.get('Action') === action && Object.entries(fields).every(([k, v]) => form.get(k) === v);
    })
    .matchHeader('authorization', /^AWS4-HMAC-SHA256 Credential=AKIACONTRACTEXAMPLE\//);
}

/** The EC2 error document for an HTTP status, as EC2 sends it (Response/Errors/Error). */
const EC2_ERROR: Record<number, string> = {
  401: 'error-auth-failure.xml',
  403: 'error-unauthorized.xml',
  429: 'error-request-limit.xml',
  503: 'error-unavailable.xml',
};

export const replyEc2 = (interceptor: nock.Interceptor, r: Reply): void => {
  const body =
    typeof r.body === 'string'
      ? r.body
      : r.status >= 300
        ? xml(EC2_ERROR[r.status] ?? 'error-unavailable.xml')
        : '';
  interceptor.reply(r.status, body, { ...XML, ...(r.headers ?? {}) });
};

/** One awsJson1_1 call to `host` with X-Amz-Target `target`, optionally checking the request JSON. */
export function amzJson(
  host: string,
  target: string,
  check: (body: Record<string, unknown>) => boolean = () => true,
): nock.Interceptor {
  return nock(host, { reqheaders: { 'x-amz-target': target } })
    .post('/', (body: unknown) => check(jsonOf(body)))
    .matchHeader('authorization', /^AWS4-HMAC-SHA256 Credential=AKIACONTRACTEXAMPLE\//);
}

/** The JSON a request carried, whatever shape nock hands it in. */
export const jsonOf = (body: unknown): Record<string, unknown> =>
  (typeof body === 'string' ? JSON.parse(body || '{}') : body) as Record<string, unknown>;

export const replyJson = (interceptor: nock.Interceptor, status: number, body: unknown): void => {
  interceptor.reply(status, JSON.stringify(body), AMZ_JSON);
};

const namedXml = (count: 1 | 2) => {
  const one = xml('describe-instances.xml');
  if (count === 1) return one;
  // Two reservations, the second instance with another id and the same Name tag.
  const item = /<item>\s*<reservationId>[\s\S]*<\/instancesSet>\s*<\/item>/.exec(one)![0];
  return one.replace(item, `${item}\n${item.replace(/i-0123456789abcdef0/g, 'i-0fedcba9876543210')}`);
};

export const contract: ContractRow = {
  id: 'aws',
  env: {
    AWS_ACCESS_KEY_ID: 'AKIACONTRACTEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'CANARY-contract-aws-secret',
    AWS_REGION: REGION,
  },
  serverId: INSTANCE,
  lookup: (...replies) => {
    for (const r of replies) replyEc2(ec2('DescribeInstances', { 'InstanceId.1': INSTANCE }), r);
  },
  found: xml('describe-instances.xml'),
  // EC2 answers an unknown id with 400 InvalidInstanceID.NotFound, not an empty list.
  missing: { status: 400, body: xml('error-not-found.xml') },
  name: 'web-1',
  byName: (r) =>
    replyEc2(ec2('DescribeInstances', { 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'web-1' }), r),
  named: namedXml,
  ip: '203.0.113.25',
  byIp: () => {
    replyEc2(
      ec2('DescribeInstances', { 'Filter.1.Name': 'ip-address', 'Filter.1.Value.1': '203.0.113.25' }),
      {
        status: 200,
        body: xml('describe-instances.xml'),
      },
    );
  },
  // A one-time key is made for each console and pushed to the instance; AWS keeps it for 60 s.
  console: {
    kind: 'serial',
    expires: true,
    freshFrom: 'client',
    answer: () => {
      replyEc2(ec2('GetSerialConsoleAccessStatus'), { status: 200, body: xml('serial-access-enabled.xml') });
      replyEc2(ec2('DescribeInstanceTypes', { 'InstanceType.1': 't3.micro' }), {
        status: 200,
        body: xml('instance-type-nitro.xml'),
      });
      replyJson(
        amzJson(CONNECT, 'AWSEC2InstanceConnectService.SendSerialConsoleSSHPublicKey'),
        200,
        json('send-serial-key.json'),
      );
    },
  },
};

/** The adapter as the folder's tests create it: the contract's keys, no retries, no pauses. */
export const awsAdapter = (env: Record<string, string> = {}, more: Partial<ProviderContext> = {}) =>
  loadProvider('aws', {
    env: { ...contract.env, ...env },
    lang: 'en',
    timeoutMs: 2000,
    pollIntervalMs: 0,
    retry: { retries: 0 },
    ...more,
  });

/** The instance of describe-instances.xml, as findServer returns it. */
export const SERVER: ServerRef = {
  provider: 'aws',
  id: INSTANCE,
  name: 'web-1',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: ['203.0.113.25'], ipv6: [] },
  location: REGION,
  vendor: { region: REGION, instanceType: 't3.micro' },
};

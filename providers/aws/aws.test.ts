import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask } from '../../src/secrets.js';
import { loadProvider } from '../index.js';
import { awsAdapter, ec2, EC2, INSTANCE, REGION, replyEc2, xml } from './contract.js';
import { profileRegion } from './settings.js';

/**
 * The adapter against the AWS SDK's real HTTP: nock sees what the SDK signs and serializes (EC2
 * query form, awsJson1_1 with X-Amz-Target) and answers with fixtures in the shapes of AWS's
 * published models (fixtures/SOURCES.md). Strict: every request must match, every mock be used.
 */
useStrictNock();

const adapter = awsAdapter;

const describeOk = (fields: Record<string, string>, fixture = 'describe-instances.xml') =>
  replyEc2(ec2('DescribeInstances', fields), { status: 200, body: xml(fixture) });

beforeEach(() => clearSecretsForTest());

describe('credentials and region, as the AWS CLI finds them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vr-aws-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keys from the environment sign the request (SigV4 scope: key id, region, service)', async () => {
    nock(EC2)
      .post('/', (body: string) => new URLSearchParams(body).get('Action') === 'DescribeInstances')
      .matchHeader(
        'authorization',
        new RegExp(`Credential=AKIACONTRACTEXAMPLE/\\d{8}/${REGION}/ec2/aws4_request`),
      )
      .matchHeader('x-amz-security-token', 'CANARY-session-token')
      .reply(200, xml('describe-instances.xml'));
    const found = await (
      await adapter({ AWS_SESSION_TOKEN: 'CANARY-session-token' })
    ).findServer({ id: INSTANCE });
    expect(found.id).toBe(INSTANCE);
    // Read from the environment, the secret parts are masked from then on.
    expect(mask('x CANARY-session-token CANARY-contract-aws-secret')).not.toContain('CANARY');
  });

  it('AWS_PROFILE: keys from the shared credentials file, region from the profile in the config file', async () => {
    writeFileSync(
      join(dir, 'credentials'),
      '[work]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = CANARY-profile\n',
    );
    writeFileSync(
      join(dir, 'config'),
      '[default]\nregion = us-west-2\n\n[profile work]\nregion = eu-west-1\n',
    );
    nock(`https://ec2.eu-west-1.amazonaws.com`)
      .post('/')
      .matchHeader('authorization', /Credential=AKIAPROFILEEXAMPLE\/\d{8}\/eu-west-1\/ec2\//)
      .reply(200, xml('describe-instances.xml'));
    const a = await loadProvider('aws', {
      env: {
        AWS_PROFILE: 'work',
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_CONFIG_FILE: join(dir, 'config'),
      },
      lang: 'en',
      retry: { retries: 0 },
      readTextFile: (path) =>
        Promise.resolve(path === join(dir, 'config') ? '[profile work]\nregion = eu-west-1\n' : undefined),
    });
    const found = await a.findServer({ id: INSTANCE });
    expect(found.location).toBe('eu-west-1');
  });

  it('reads the region of the named profile only', () => {
    const text =
      '[default]\nregion = us-east-2\n[profile work] # ours\nregion=ap-northeast-1\n[profile other]\nregion = sa-east-1\n';
    expect(profileRegion(text, 'default')).toBe('us-east-2');
    expect(profileRegion(text, 'work')).toBe('ap-northeast-1');
    expect(profileRegion(text, 'missing')).toBeUndefined();
  });

  it('no region anywhere: config.missing-credentials with a hint, before any call', async () => {
    const err = await loadProvider('aws', {
      env: { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 's' },
      lang: 'en',
    }).then(
      () => undefined,
      (e: unknown) => e as { code: string; hints: string[] },
    );
    expect(err?.code).toBe('config.missing-credentials');
    expect(err?.hints.join(' ')).toMatch(/AWS_REGION/);
  });

  it('a region that is no region is refused as a setting, before any call', async () => {
    await rejectsWithCode(adapter({ AWS_REGION: 'us east 1' }), 'config.bad-value');
    await rejectsWithCode(
      adapter({ VPS_RESCUE_AWS_REGIONS: 'eu-west-1,https://evil.example' }),
      'config.bad-value',
    );
  });

  it('a malformed pinned host key is refused as a setting', async () => {
    await rejectsWithCode(adapter({ VPS_RESCUE_AWS_SERIAL_HOST_KEY: 'md5:aa:bb' }), 'config.bad-value');
  });
});

describe('finding the instance', () => {
  it('an IPv4 that is not public is looked up as a private address (two filters, two calls)', async () => {
    describeOk(
      { 'Filter.1.Name': 'ip-address', 'Filter.1.Value.1': '10.0.0.157' },
      'describe-instances-empty.xml',
    );
    describeOk({ 'Filter.1.Name': 'private-ip-address', 'Filter.1.Value.1': '10.0.0.157' });
    const found = await (await adapter()).findServer({ ip: '10.0.0.157' });
    expect(found).toMatchObject({
      id: INSTANCE,
      name: 'web-1',
      status: 'running',
      addresses: { ipv4: ['203.0.113.25', '10.0.0.157'], ipv6: ['2600:1f18:aaa:bbb::25'] },
      vendor: {
        instanceType: 't3.micro',
        zone: 'us-east-1a',
        dnsName: 'ec2-203-0-113-25.compute-1.amazonaws.com',
      },
    });
  });

  it('an IPv6 address, a DNS name and an instance id given as --host', async () => {
    describeOk({
      'Filter.1.Name': 'network-interface.ipv6-addresses.ipv6-address',
      'Filter.1.Value.1': '2600:1f18:aaa:bbb::25',
    });
    describeOk({
      'Filter.1.Name': 'dns-name',
      'Filter.1.Value.1': 'ec2-203-0-113-25.compute-1.amazonaws.com',
    });
    describeOk({ 'InstanceId.1': INSTANCE });
    const a = await adapter();
    expect((await a.findServer({ ip: '2600:1f18:aaa:bbb::25' })).id).toBe(INSTANCE);
    expect((await a.findServer({ name: 'ec2-203-0-113-25.compute-1.amazonaws.com' })).id).toBe(INSTANCE);
    expect((await a.findServer({ name: INSTANCE })).id).toBe(INSTANCE);
  });

  it('follows NextToken to the last page', async () => {
    describeOk({ 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'web-1' }, 'describe-instances-page1.xml');
    describeOk({ 'Filter.1.Name': 'tag:Name', NextToken: 'eyJ2IjoiMiIsImMiOiJwYWdlLTIifQ==' });
    expect((await (await adapter()).findServer({ name: 'web-1' })).id).toBe(INSTANCE);
  });

  it('searches every configured region; an id unknown in the first is looked for in the next', async () => {
    replyEc2(ec2('DescribeInstances', { 'InstanceId.1': INSTANCE }), {
      status: 400,
      body: xml('error-not-found.xml'),
    });
    nock('https://ec2.ap-northeast-1.amazonaws.com').post('/').reply(200, xml('describe-instances.xml'));
    const found = await (
      await adapter({ VPS_RESCUE_AWS_REGIONS: 'ap-northeast-1' })
    ).findServer({ id: INSTANCE });
    expect(found.location).toBe('ap-northeast-1');
  });

  it('a name nobody has is provider.not-found', async () => {
    describeOk({ 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'nope' }, 'describe-instances-empty.xml');
    await rejectsWithCode((await adapter()).findServer({ name: 'nope' }), 'provider.not-found');
  });

  it('RequestLimitExceeded is retried by the SDK, then answered', async () => {
    const call = () => ec2('DescribeInstances', { 'InstanceId.1': INSTANCE });
    replyEc2(call(), { status: 503, body: xml('error-request-limit.xml') });
    replyEc2(call(), { status: 200, body: xml('describe-instances.xml') });
    expect((await (await adapter({}, { retry: { retries: 1 } })).findServer({ id: INSTANCE })).id).toBe(
      INSTANCE,
    );
  });

  it('RequestLimitExceeded after the retries is provider.rate-limited', async () => {
    replyEc2(ec2('DescribeInstances', { 'InstanceId.1': INSTANCE }), {
      status: 503,
      body: xml('error-request-limit.xml'),
    });
    await rejectsWithCode((await adapter()).findServer({ id: INSTANCE }), 'provider.rate-limited');
  });

  it('expired session credentials are auth.failed with a hint to renew them; no secret in the error', async () => {
    replyEc2(ec2('DescribeInstances', { 'InstanceId.1': INSTANCE }), {
      status: 400,
      body: xml('error-expired-token.xml'),
    });
    const err = await (await adapter()).findServer({ id: INSTANCE }).then(
      () => ({ code: 'resolved', hints: [] as string[] }),
      (e: unknown) => e as { code: string; hints: string[] },
    );
    expect(err.code).toBe('auth.failed');
    expect(err.hints.join(' ')).toMatch(/expired \(RequestExpired\).*renew/);
    expect(JSON.stringify(err)).not.toContain('CANARY');
  });
});

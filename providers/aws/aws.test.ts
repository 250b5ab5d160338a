import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import ssh2 from 'ssh2';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask, registerSecret } from '../../src/secrets.js';
import { createDecipheriv, generateKeyPairSync, pbkdf2Sync, privateDecrypt, constants } from 'node:crypto';
import { PBKDF2_ITERATIONS } from './sealed.js';
import { loadProvider } from '../index.js';
import type { ProviderContext, ServerRef } from '../types.js';
import {
  amzJson,
  CONNECT,
  contract,
  ec2,
  EC2,
  INSTANCE,
  json,
  REGION,
  replyEc2,
  replyJson,
  SSM,
  xml,
} from './contract.js';
import { profileRegion } from './settings.js';
import { withoutAgentNote } from './ssm.js';

/**
 * The adapter against the AWS SDK's real HTTP: nock sees what the SDK signs and serializes (EC2
 * query form, awsJson1_1 with X-Amz-Target) and answers with fixtures in the shapes of AWS's
 * published models (fixtures/SOURCES.md). Strict: every request must match, every mock be used.
 */
useStrictNock();

const ctx = (env: Record<string, string> = {}, more: Partial<ProviderContext> = {}): ProviderContext => ({
  env: { ...contract.env, ...env },
  lang: 'en',
  timeoutMs: 2000,
  pollIntervalMs: 0,
  retry: { retries: 0 },
  ...more,
});
const adapter = (env?: Record<string, string>, more?: Partial<ProviderContext>) =>
  loadProvider('aws', ctx(env, more));

const SERVER: ServerRef = {
  provider: 'aws',
  id: INSTANCE,
  name: 'web-1',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: ['203.0.113.25'], ipv6: [] },
  location: REGION,
  vendor: { region: REGION, instanceType: 't3.micro' },
};

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

describe('SSM Run Command', () => {
  const info = (fixture: string) =>
    replyJson(
      amzJson(
        SSM,
        'AmazonSSM.DescribeInstanceInformation',
        (b) => JSON.stringify(b.Filters) === JSON.stringify([{ Key: 'InstanceIds', Values: [INSTANCE] }]),
      ),
      200,
      json(fixture),
    );

  it('AWS-RunShellScript with the input as a quoted here-document; polled until it ends; exit code and output', async () => {
    info('describe-instance-information-online.json');
    let script = '';
    replyJson(
      amzJson(SSM, 'AmazonSSM.SendCommand', (b) => {
        const params = b.Parameters as { commands: string[]; executionTimeout: string[] };
        script = params.commands[0]!;
        return (
          b.DocumentName === 'AWS-RunShellScript' &&
          JSON.stringify(b.InstanceIds) === JSON.stringify([INSTANCE])
        );
      }),
      200,
      json('send-command.json'),
    );
    const get = () =>
      amzJson(
        SSM,
        'AmazonSSM.GetCommandInvocation',
        (b) => b.CommandId === '0b7c3f4e-1a2b-4c3d-9e8f-7a6b5c4d3e2f' && b.InstanceId === INSTANCE,
      );
    replyJson(get(), 400, json('error-invocation-does-not-exist.json'));
    replyJson(get(), 200, json('invocation-in-progress.json'));
    replyJson(get(), 200, json('invocation-failed.json'));
    const input = "id -u; hostname; echo 'quoted $HOME' >&2; exit 5\n";
    const r = await (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input });
    expect(r).toEqual({ exitCode: 5, stdout: '0\nweb-1\n', stderr: 'oops' });
    // The program is on sh's stdin, unexpanded; nothing of it on a command line.
    const here = /'\/bin\/sh' >"\$d\/o" 2>"\$d\/e" <<'(VR_STDIN_[0-9a-f]+)'\n([\s\S]*?)\n\1\n/.exec(script);
    expect(here?.[2]).toBe(input.trimEnd());
    expect(script).toMatch(/^d=\/tmp\/\.vr-ssm-[0-9a-f]{24}\numask 077\nmkdir -m 700 "\$d" \|\| exit 125\n/);
  });

  it('output over the 24,000-character cap is read back in base64 pages and the directory removed', async () => {
    info('describe-instance-information-online.json');
    const big = `${'é'.repeat(15_000)}end\n`; // 30,004 bytes: three pages
    const bytes = Buffer.from(big);
    let nonce = '';
    const calls: string[] = [];
    const send = () =>
      amzJson(SSM, 'AmazonSSM.SendCommand', (b) => {
        calls.push((b.Parameters as { commands: string[] }).commands[0]!);
        return true;
      });
    const invocation = (stdout: string, code = 0) => ({
      ...json('invocation-failed.json'),
      Status: code === 0 ? 'Success' : 'Failed',
      ResponseCode: code,
      StandardOutputContent: stdout,
      StandardErrorContent: '',
    });
    const get = () => amzJson(SSM, 'AmazonSSM.GetCommandInvocation');
    replyJson(send(), 200, json('send-command.json'));
    get().reply(200, () => {
      nonce = /\.vr-ssm-([0-9a-f]{24})/.exec(calls[0]!)![1]!;
      return JSON.stringify(invocation(`VR_PAGED_${nonce} 2 ${bytes.length} 0\n`, 2));
    });
    for (let page = 0; page < 3; page++) {
      replyJson(send(), 200, json('send-command.json'));
      get().reply(200, () =>
        JSON.stringify(
          invocation(`${bytes.subarray(page * 12_000, (page + 1) * 12_000).toString('base64')}\n`),
        ),
      );
    }
    replyJson(send(), 200, json('send-command.json'));
    replyJson(get(), 200, invocation(''));
    const r = await (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input: 'big\n' });
    expect(r).toEqual({ exitCode: 2, stdout: big, stderr: '' });
    expect(calls.slice(1, 4)).toEqual(
      [0, 1, 2].map((n) => `dd if=/tmp/.vr-ssm-${nonce}/o bs=12000 skip=${n} count=1 2>/dev/null | base64`),
    );
    expect(calls[4]).toBe(`rm -rf /tmp/.vr-ssm-${nonce}`);
  });

  it('a forged paging line with another nonce is just output', async () => {
    info('describe-instance-information-online.json');
    replyJson(amzJson(SSM, 'AmazonSSM.SendCommand'), 200, json('send-command.json'));
    const forged = {
      ...json('invocation-failed.json'),
      Status: 'Success',
      ResponseCode: 0,
      StandardOutputContent: `VR_PAGED_${'0'.repeat(24)} 0 99 0\n`,
      StandardErrorContent: '',
    };
    replyJson(amzJson(SSM, 'AmazonSSM.GetCommandInvocation'), 200, forged);
    const r = await (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input: 'x\n' });
    expect(r.stdout).toBe(forged.StandardOutputContent);
  });

  it('agent offline: provider.precondition naming the ping status, and the console password it then needs; nothing sent', async () => {
    info('describe-instance-information-offline.json');
    const err = await rejectsWithCode(
      (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input: 'id\n' }),
      'provider.precondition',
    );
    expect(err.params.reason).toMatch(
      /SSM agent of i-0123456789abcdef0 is ConnectionLost \(last seen 2026-.*password user/,
    );
  });

  it('not a managed instance: provider.precondition naming the agent and instance profile', async () => {
    info('describe-instance-information-none.json');
    const err = await rejectsWithCode(
      (await adapter()).runCommand!(SERVER, ['/bin/sh'], {}),
      'provider.precondition',
    );
    expect(err.params.reason).toMatch(/not managed by Systems Manager.*AmazonSSMManagedInstanceCore/);
  });

  it('a command never delivered (DeliveryTimedOut) is provider.precondition, not an exit code', async () => {
    info('describe-instance-information-online.json');
    replyJson(amzJson(SSM, 'AmazonSSM.SendCommand'), 200, json('send-command.json'));
    replyJson(amzJson(SSM, 'AmazonSSM.GetCommandInvocation'), 200, json('invocation-undeliverable.json'));
    const err = await rejectsWithCode(
      (await adapter()).runCommand!(SERVER, ['/bin/sh'], {}),
      'provider.precondition',
    );
    expect(err.params.reason).toMatch(/TimedOut \(DeliveryTimedOut\)/);
  });

  it('ThrottlingException is provider.rate-limited; ExpiredTokenException auth.failed with the renew hint', async () => {
    replyJson(amzJson(SSM, 'AmazonSSM.DescribeInstanceInformation'), 400, json('error-throttling.json'));
    await rejectsWithCode((await adapter()).runCommand!(SERVER, ['/bin/sh'], {}), 'provider.rate-limited');
    replyJson(amzJson(SSM, 'AmazonSSM.DescribeInstanceInformation'), 400, json('error-expired-token.json'));
    const err = await (
      await adapter()
    ).runCommand!(SERVER, ['/bin/sh'], {}).then(
      () => ({ code: 'resolved', hints: [] as string[] }),
      (e: unknown) => e as { code: string; hints: string[] },
    );
    expect(err.code).toBe('auth.failed');
    expect(err.hints.join(' ')).toMatch(/ExpiredTokenException/);
    replyJson(
      amzJson(SSM, 'AmazonSSM.DescribeInstanceInformation'),
      400,
      json('error-unrecognized-client.json'),
    );
    await rejectsWithCode((await adapter()).runCommand!(SERVER, ['/bin/sh'], {}), 'auth.failed');
  });

  it('a program holding a secret goes sealed to a key pair the instance made; the command history never holds it', async () => {
    info('describe-instance-information-online.json');
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const secret = 'Canary-window-pw-41c9';
    registerSecret(secret);
    const input = `VRPW='${secret}' sh /root/.vps-rescue/t.sh\n`;
    const sent: string[] = [];
    const send = () =>
      amzJson(SSM, 'AmazonSSM.SendCommand', (b) => {
        sent.push((b.Parameters as { commands: string[] }).commands[0]!);
        return true;
      });
    const done = (stdout: string, code = 0) => ({
      ...json('invocation-failed.json'),
      Status: 'Success',
      ResponseCode: code,
      StandardOutputContent: stdout,
      StandardErrorContent: '',
    });
    replyJson(send(), 200, json('send-command.json'));
    replyJson(amzJson(SSM, 'AmazonSSM.GetCommandInvocation'), 200, done(pem));
    replyJson(send(), 200, json('send-command.json'));
    replyJson(amzJson(SSM, 'AmazonSSM.GetCommandInvocation'), 200, done('changed\n'));
    const r = await (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input });
    expect(r.stdout).toBe('changed\n');
    expect(sent[0]).toMatch(/openssl genpkey -algorithm RSA/);
    for (const text of sent) expect(text).not.toContain(secret);
    // What travelled opens, with the instance's private key only, to exactly the program.
    const b64 = (name: string) =>
      new RegExp(`<<'${name}'\\n([\\s\\S]*?)\\n${name}\\n`).exec(sent[1]!)![1]!.replace(/\n/g, '');
    const pass = privateDecrypt(
      { key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
      Buffer.from(b64('VR_SEALED_KEY'), 'base64'),
    );
    const body = Buffer.from(b64('VR_SEALED_BODY'), 'base64');
    const km = pbkdf2Sync(pass, body.subarray(8, 16), PBKDF2_ITERATIONS, 48, 'sha256');
    const decipher = createDecipheriv('aes-256-cbc', km.subarray(0, 32), km.subarray(32));
    expect(Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]).toString()).toBe(input);
  });

  it('no openssl on the instance: the secret is not sent at all (provider.precondition)', async () => {
    info('describe-instance-information-online.json');
    registerSecret('Canary-window-pw-77aa');
    replyJson(
      amzJson(SSM, 'AmazonSSM.SendCommand', (b) => !JSON.stringify(b).includes('Canary')),
      200,
      json('send-command.json'),
    );
    replyJson(amzJson(SSM, 'AmazonSSM.GetCommandInvocation'), 200, {
      ...json('invocation-failed.json'),
      Status: 'Failed',
      ResponseCode: 127,
      StandardOutputContent: '',
      StandardErrorContent: '',
    });
    const err = await rejectsWithCode(
      (await adapter()).runCommand!(SERVER, ['/bin/sh'], { input: "VRPW='Canary-window-pw-77aa' sh t\n" }),
      'provider.precondition',
    );
    expect(err.params.reason).toMatch(/keeps every command in its history.*openssl missing\? exit 127/);
  });

  it("the agent's own failure line leaves stderr; anything before it stays", () => {
    expect(withoutAgentNote('oops\nfailed to run commands: exit status 5')).toBe('oops');
    expect(withoutAgentNote('failed to run commands: exit status 1')).toBe('');
    expect(withoutAgentNote('a\nb\n')).toBe('a\nb\n');
  });
});

import { constants, createDecipheriv, generateKeyPairSync, pbkdf2Sync, privateDecrypt } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, registerSecret } from '../../src/secrets.js';
import { amzJson, awsAdapter, INSTANCE, json, replyJson, SERVER, SSM } from './contract.js';
import { PBKDF2_ITERATIONS } from '../sealed.js';
import { withoutAgentNote } from './ssm.js';

/**
 * The adapter against the AWS SDK's real HTTP: nock sees what the SDK signs and serializes (EC2
 * query form, awsJson1_1 with X-Amz-Target) and answers with fixtures in the shapes of AWS's
 * published models (fixtures/SOURCES.md). Strict: every request must match, every mock be used.
 */
useStrictNock();
const adapter = awsAdapter;
beforeEach(() => clearSecretsForTest());

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

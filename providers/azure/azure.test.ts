import { constants, createDecipheriv, generateKeyPairSync, pbkdf2Sync, privateDecrypt } from 'node:crypto';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { clearSecretsForTest, mask, registerSecret } from '../../src/secrets.js';
import { isRescueError, type RescueError } from '../../src/errors/rescue-error.js';
import { loadProvider } from '../index.js';
import type { ProviderAdapter, ProviderContext, ServerRef } from '../types.js';
import {
  ARM,
  COMPUTE_API,
  ENV,
  fx,
  mockAddressLookup,
  mockLogin,
  SUBSCRIPTION,
  VM_ID,
  vmGet,
  vmListAll,
} from './mocks.js';
import { SERIAL_CONSOLE_API } from './index.js';
import { PBKDF2_ITERATIONS } from '../sealed.js';

/**
 * The Azure adapter against the vendor SDKs' real HTTP (@azure/identity's MSAL login,
 * @azure/arm-compute, @azure/arm-network, @azure-rest/core-client), every reply in the shape of
 * Microsoft's published API description (fixtures/SOURCES.md names the file and api-version).
 */
useStrictNock();

/** The whole RescueError (rejectsWithCode keeps only code and params). */
async function caught(promise: Promise<unknown>): Promise<RescueError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRescueError(err)) throw new Error(`expected a RescueError, got ${String(err)}`);
  return err;
}

const adapter = (extra: Partial<ProviderContext> = {}): Promise<ProviderAdapter> =>
  loadProvider('azure', { env: ENV, lang: 'en', pollIntervalMs: 0, retry: { retries: 0 }, ...extra });

async function found(fixture = 'vm-web-1.json'): Promise<{ a: ProviderAdapter; server: ServerRef }> {
  mockLogin();
  vmGet().reply(200, fx(fixture));
  const a = await adapter();
  return { a, server: await a.findServer({ id: VM_ID }) };
}

const RUN_COMMAND = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1/runCommand`;
const SERIAL = `${VM_ID}/providers/Microsoft.SerialConsole/serialPorts/0/connect`;
const CONSOLE_STATUS = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.SerialConsole/consoleServices/default`;

describe('azure: finding the VM', () => {
  beforeEach(() => clearSecretsForTest());

  it('reads power state, VM agent, boot diagnostics and OS from the instance view', async () => {
    const { server } = await found();
    expect(server).toMatchObject({
      id: VM_ID,
      name: 'web-1',
      status: 'running',
      location: 'japaneast',
      vendor: {
        resourceGroup: 'rg-web',
        agent: 'Ready',
        bootDiagnostics: true,
        os: 'Linux',
        passwordLogin: true,
      },
    });
  });

  it('a deallocated VM is stopped', async () => {
    const { server } = await found('vm-web-1-deallocated.json');
    expect([server.status, server.vendorStatus]).toEqual(['stopped', 'deallocated']);
  });

  it('a name nobody has is provider.not-found, after one look at the whole subscription', async () => {
    mockLogin();
    vmListAll().reply(200, fx('vms-list-all.json'));
    await rejectsWithCode((await adapter()).findServer({ name: 'web-9' }), 'provider.not-found');
  });

  it('the VM list is followed across pages (nextLink)', async () => {
    mockLogin();
    const all = fx('vms-list-all.json').value as Record<string, unknown>[];
    const next = `${ARM}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines?api-version=${COMPUTE_API}&%24skiptoken=page2`;
    vmListAll().reply(200, { value: [all[1]], nextLink: next });
    nock(ARM)
      .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines`)
      .query({ 'api-version': COMPUTE_API, $skiptoken: 'page2' })
      .reply(200, { value: [all[0]] });
    vmGet().reply(200, fx('vm-web-1.json'));
    expect((await (await adapter()).findServer({ name: 'web-1' })).id).toBe(VM_ID);
  });

  it('a NIC’s private address finds its VM too, with the public IP on the same IP configuration', async () => {
    mockLogin();
    mockAddressLookup();
    vmGet().reply(200, fx('vm-web-1.json'));
    const server = await (await adapter()).findServer({ ip: '10.0.0.4' });
    expect(server.id).toBe(VM_ID);
    expect(server.addresses).toEqual({ ipv4: ['10.0.0.4', '203.0.113.60'], ipv6: [] });
  });

  it('an address no NIC holds is provider.not-found', async () => {
    mockLogin();
    nock(ARM)
      .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/publicIPAddresses`)
      .query(true)
      .reply(200, fx('public-ips-list-all.json'));
    nock(ARM)
      .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/networkInterfaces`)
      .query(true)
      .reply(200, fx('nics-list-all.json'));
    // 203.0.113.61 is a public IP attached to nothing; 10.0.0.9 a NIC on no VM.
    await rejectsWithCode((await adapter()).findServer({ ip: '203.0.113.61' }), 'provider.not-found');
  });

  it('throttling: 429 with Retry-After is waited out by the SDK, then the answer is used', async () => {
    mockLogin();
    vmGet().reply(429, fx('error-throttled.json'), { 'Retry-After': '1' });
    vmGet().reply(200, fx('vm-web-1.json'));
    const a = await adapter({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2000 } });
    expect((await a.findServer({ id: VM_ID })).status).toBe('running');
  });

  it('throttling that does not stop is provider.rate-limited with ARM’s Retry-After', async () => {
    mockLogin();
    vmGet().reply(429, fx('error-throttled.json'), { 'Retry-After': '17' });
    const err = await rejectsWithCode((await adapter()).findServer({ id: VM_ID }), 'provider.rate-limited');
    expect(err.params.retryAfter).toBe(17);
    expect(String(err.params.detail)).toMatch(/throttled/);
  });

  it('an expired token (401 ExpiredAuthenticationToken) says to log in again', async () => {
    mockLogin();
    vmGet().reply(401, fx('error-expired-token.json'), {
      'WWW-Authenticate':
        'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token has expired."',
    });
    const err = await caught((await adapter()).findServer({ id: VM_ID }));
    expect(err.code).toBe('auth.failed');
    expect(err.hints.join(' ')).toMatch(/expired: run `az login` again/);
    expect(JSON.stringify(err)).not.toContain('CANARY');
  });

  it('a refused client secret is auth.failed naming the credential sources, secret masked', async () => {
    nock(LOGIN_HOST)
      .get(/openid-configuration$/)
      .reply(200, fx('openid-configuration.json'));
    nock(LOGIN_HOST)
      .post(/oauth2\/v2.0\/token$/)
      .query(true)
      .reply(401, {
        error: 'invalid_client',
        error_description:
          'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
        error_codes: [7000215],
      });
    const err = await caught((await adapter()).findServer({ id: VM_ID }));
    expect(err.code).toBe('auth.failed');
    expect(err.hints.join(' ')).toMatch(
      /AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET,.*AADSTS7000215/,
    );
    expect(mask(`${err.hints.join(' ')} ${JSON.stringify(err.params)}`)).not.toContain('CANARY');
  });

  it('an ARM that does not answer in time is provider.timeout', async () => {
    mockLogin();
    vmGet().delay(600).reply(200, fx('vm-web-1.json'));
    const a = await adapter({ timeoutMs: 150 });
    await rejectsWithCode(a.findServer({ id: VM_ID }), 'provider.timeout');
  });

  it('without AZURE_SUBSCRIPTION_ID the Azure CLI’s default subscription is used (azureProfile.json)', async () => {
    const { AZURE_SUBSCRIPTION_ID: _, ...env } = ENV;
    // As `az account set` leaves it: a byte order mark, several subscriptions, one default.
    const profile = `\uFEFF${JSON.stringify({
      installationId: 'a2c4e6f8-0000-4000-8000-000000000001',
      subscriptions: [
        {
          id: '11111111-1111-1111-1111-111111111111',
          name: 'other',
          isDefault: false,
          tenantId: ENV.AZURE_TENANT_ID,
        },
        { id: ENV.AZURE_SUBSCRIPTION_ID, name: 'rescue', isDefault: true, tenantId: ENV.AZURE_TENANT_ID },
      ],
    })}`;
    const read: string[] = [];
    const a = await loadProvider('azure', {
      env: { ...env, HOME: '/home/support' },
      lang: 'en',
      retry: { retries: 0 },
      readTextFile: (path) => {
        read.push(path);
        return Promise.resolve(path === '/home/support/.azure/azureProfile.json' ? profile : undefined);
      },
    });
    expect(read).toEqual(['/home/support/.azure/azureProfile.json']);
    mockLogin();
    vmGet().reply(200, fx('vm-web-1.json'));
    expect((await a.findServer({ id: VM_ID })).id).toBe(VM_ID);
  });

  it('without AZURE_SUBSCRIPTION_ID nothing is called: config.missing-credentials', async () => {
    const { AZURE_SUBSCRIPTION_ID: _, ...env } = ENV;
    await rejectsWithCode(loadProvider('azure', { env, lang: 'en' }), 'config.missing-credentials');
  });
});

const LOGIN_HOST = ENV.AZURE_AUTHORITY_HOST;

describe('azure: the serial console', () => {
  beforeEach(() => clearSecretsForTest());

  it('connect answers a websocket URL; the ARM token goes in its query and is a secret', async () => {
    const { a, server } = await found();
    nock(ARM)
      .get(CONSOLE_STATUS)
      .query({ 'api-version': SERIAL_CONSOLE_API })
      .reply(200, fx('console-status-enabled.json'));
    nock(ARM).post(SERIAL).query({ 'api-version': SERIAL_CONSOLE_API }).reply(200, fx('serial-connect.json'));
    const endpoint = await a.openConsole(server, 'serial');
    expect(endpoint.kind).toBe('serial-ws');
    if (endpoint.kind !== 'serial-ws') return;
    const url = new URL(endpoint.url);
    expect(`${url.origin}${url.pathname}`).toBe(String(fx('serial-connect.json').connectionString));
    expect(url.searchParams.get('authorization')).toBe(String(fx('token.json').access_token));
    expect(endpoint).toMatchObject({ protocols: [], textFrames: true });
    expect(mask(endpoint.url)).not.toContain('CANARY');
  });

  it('boot diagnostics off: console.unavailable with the command that enables it, no call made', async () => {
    const { a, server } = await found('vm-web-1-no-boot-diagnostics.json');
    const err = await rejectsWithCode(a.openConsole(server, 'serial'), 'console.unavailable');
    expect(String(err.params.hint)).toBe(
      'the serial console needs boot diagnostics: `az vm boot-diagnostics enable -g rg-web -n web-1`',
    );
  });

  it('the console switched off for the subscription is console.unavailable, and says how to enable it', async () => {
    const { a, server } = await found();
    nock(ARM)
      .get(CONSOLE_STATUS)
      .query({ 'api-version': SERIAL_CONSOLE_API })
      .reply(200, fx('console-status-disabled.json'));
    const err = await rejectsWithCode(a.openConsole(server, 'serial'), 'console.unavailable');
    expect(String(err.params.hint)).toMatch(/az serial-console enable/);
  });

  it('a stopped VM has no console to open', async () => {
    const { a, server } = await found('vm-web-1-deallocated.json');
    const err = await rejectsWithCode(a.openConsole(server, 'serial'), 'console.unavailable');
    expect(String(err.params.hint)).toMatch(/az vm start -g rg-web -n web-1/);
  });
});

describe('azure: Run Command', () => {
  beforeEach(() => clearSecretsForTest());

  it('RunShellScript as a long-running operation: 202, Azure-AsyncOperation polled, result from Location', async () => {
    const { a, server } = await found();
    const status = `${ARM}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/japaneast/operations/8f2d6c1e?api-version=${COMPUTE_API}`;
    const result = `${ARM}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/japaneast/operations/8f2d6c1e?monitor=true&api-version=${COMPUTE_API}`;
    let sent: { commandId?: string; script?: string[] } = {};
    nock(ARM)
      .post(RUN_COMMAND, (body: typeof sent) => {
        sent = body;
        return true;
      })
      .query({ 'api-version': COMPUTE_API })
      .reply(202, undefined, { 'Azure-AsyncOperation': status, Location: result, 'Retry-After': '0' });
    const ops = nock(ARM).get(
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/japaneast/operations/8f2d6c1e`,
    );
    ops
      .query({ 'api-version': COMPUTE_API })
      .reply(200, fx('async-in-progress.json'), { 'Retry-After': '0' });
    nock(ARM)
      .get(
        `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/japaneast/operations/8f2d6c1e`,
      )
      .query({ 'api-version': COMPUTE_API })
      .reply(200, fx('async-succeeded.json'));
    nock(ARM)
      .get(
        `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/japaneast/operations/8f2d6c1e`,
      )
      .query({ monitor: 'true', 'api-version': COMPUTE_API })
      .reply(200, () => {
        // The extension's message, with the status line the adapter asked for at the end of stdout.
        const marker = /VR_EXIT_[0-9a-f]+/.exec(sent.script?.join('\n') ?? '')?.[0] ?? 'none';
        const body = fx('run-command-result.json') as { value: { message: string }[] };
        body.value[0]!.message = `Enable succeeded: \n[stdout]\n0\nweb-1\n\n${marker}-3-\n\n[stderr]\nwarning: x\n`;
        return body;
      });
    const r = await a.runCommand!(server, ['/bin/sh'], { input: 'id -u; hostname; exit 3\n' });
    expect(sent.commandId).toBe('RunShellScript');
    expect(sent.script?.[0]).toMatch(/^'\/bin\/sh' <<'VR_IN_[0-9a-f]+'$/);
    expect(sent.script).toContain('id -u; hostname; exit 3');
    expect(r).toEqual({ exitCode: 3, stdout: '0\nweb-1\n', stderr: 'warning: x\n' });
  });

  it('a program that carries a password goes sealed to a key the VM makes: ARM never sees the password', async () => {
    clearSecretsForTest();
    const { a, server } = await found();
    const password = 'CANARY-azure-new-password-7';
    registerSecret(password);
    const program = `printf '%s' "$VRPW" | chpasswd # ${password}\n`;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const scripts: string[] = [];
    const answer = (stdout: string) => () => {
      const marker = /VR_EXIT_[0-9a-f]+/.exec(scripts.at(-1) ?? '')?.[0] ?? 'none';
      const body = fx('run-command-result.json') as { value: { message: string }[] };
      body.value[0]!.message = `Enable succeeded: \n[stdout]\n${stdout}\n${marker}-0-\n\n[stderr]\n`;
      return body;
    };
    const keep = (body: { script?: string[] }) => (scripts.push((body.script ?? []).join('\n')), true);
    nock(ARM).post(RUN_COMMAND, keep).query(true).reply(200, answer(pem));
    nock(ARM).post(RUN_COMMAND, keep).query(true).reply(200, answer('done'));
    const r = await a.runCommand!(server, ['/bin/sh'], { input: program });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'done' });
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toContain('openssl genpkey');
    for (const script of scripts) expect(script).not.toContain(password);
    // What went to ARM opens, with the VM's private key, to exactly the program.
    const blocks = (name: string) =>
      Buffer.from(new RegExp(`<<'${name}'\\n([\\s\\S]*?)\\n${name}`).exec(scripts[1]!)![1]!, 'base64');
    const passphrase = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
      blocks('VR_SEALED_KEY'),
    );
    const body = blocks('VR_SEALED_BODY');
    const derived = pbkdf2Sync(passphrase, body.subarray(8, 16), PBKDF2_ITERATIONS, 48, 'sha256');
    const decipher = createDecipheriv('aes-256-cbc', derived.subarray(0, 32), derived.subarray(32));
    const opened = Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]).toString('utf8');
    expect(opened).toBe(program);
    expect(scripts[1]).toMatch(/'\/bin\/sh' <"\$k\/in"\nr=\$\?\nrm -rf "\$k"/);
  });

  it('a VM that cannot make the key (no openssl) gets no password: a precondition that says why', async () => {
    clearSecretsForTest();
    const { a, server } = await found();
    registerSecret('CANARY-azure-new-password-8');
    let sent = 0;
    nock(ARM)
      .post(RUN_COMMAND, () => (sent++, true))
      .query(true)
      .reply(200, () => {
        const body = fx('run-command-result.json') as { value: { message: string }[] };
        body.value[0]!.message = 'Enable succeeded: \n[stdout]\n\n[stderr]\n';
        return body;
      });
    const err = await rejectsWithCode(
      a.runCommand!(server, ['/bin/sh'], { input: 'echo CANARY-azure-new-password-8\n' }),
      'provider.precondition',
    );
    expect(sent).toBe(1);
    expect(String(err.params.reason)).toMatch(/openssl missing\? exit -1/);
  });

  it('VM agent not ready: a precondition naming waagent, and nothing is sent', async () => {
    const { a, server } = await found('vm-web-1-agent-not-ready.json');
    const err = await rejectsWithCode(
      a.runCommand!(server, ['/bin/sh'], { input: 'true' }),
      'provider.precondition',
    );
    expect(String(err.params.reason)).toMatch(/VM agent \(waagent\) .* not ready \(Not Ready\)/);
  });

  it('an agent that stopped reporting (409 VMAgentStatusCommunicationError) is a conflict with ARM’s words', async () => {
    const { a, server } = await found();
    nock(ARM).post(RUN_COMMAND).query(true).reply(409, fx('error-agent-unreachable.json'));
    const err = await rejectsWithCode(
      a.runCommand!(server, ['/bin/sh'], { input: 'true' }),
      'provider.conflict',
    );
    expect(String(err.params.detail)).toMatch(/has not reported status for VM agent/);
  });
});

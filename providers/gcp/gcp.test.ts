import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture, rejectsWithCode, useStrictNock } from '../../test/support/nock-strict.js';
import { hostKeySha256 } from '../../src/console/transport/ssh-gateway.js';
import { clearSecretsForTest, registerSecret } from '../../src/secrets.js';
import type { ProviderContext, ServerRef } from '../types.js';
import { aggregated, PROJECT, SERVICE_ACCOUNT, tokenExchange } from './contract.js';
import { createAdapter } from './index.js';
import { parseRun, startupScript } from './startup-script.js';

/**
 * The adapter against the SDK's real HTTP (nock sees what @google-cloud/compute and
 * google-auth-library send), answered with fixtures in the shapes of the compute v1 discovery
 * document (fixtures/SOURCES.md).
 */
useStrictNock();
const fx = (name: string) => fixture(import.meta.url, name);
const API = 'https://compute.googleapis.com';
const ZONE = 'europe-west1-b';
const INSTANCE = `/compute/v1/projects/${PROJECT}/zones/${ZONE}/instances/web-1`;
const KEY_FILE = new URL('fixtures/google_compute_engine', import.meta.url).pathname;
const HOST_KEY = readFileSync(new URL('fixtures/europe-west1.pub', import.meta.url), 'utf8');

function context(over: Partial<ProviderContext> = {}, env: Record<string, string> = {}) {
  const notices: string[] = [];
  const ctx: ProviderContext = {
    env: {
      GOOGLE_APPLICATION_CREDENTIALS: SERVICE_ACCOUNT,
      GCP_SERIAL_KEY_FILE: KEY_FILE,
      GCP_SERIAL_USER: 'support',
      ...env,
    },
    lang: 'en',
    timeoutMs: 2000,
    pollIntervalMs: 0,
    retry: { retries: 0 },
    notice: (text) => notices.push(text),
    ...over,
  };
  return { ctx, notices };
}

const server: ServerRef = {
  provider: 'gcp',
  id: '4242424242424242424',
  name: 'web-1',
  status: 'running',
  vendorStatus: 'RUNNING',
  addresses: { ipv4: ['203.0.113.70'], ipv6: [] },
  location: ZONE,
  vendor: { project: PROJECT, zone: ZONE },
};

/** instance.json with its metadata items replaced. */
function instanceWith(items: { key: string; value: string }[], status = 'RUNNING') {
  const instance = fx('instance.json') as { metadata: { items: unknown[] }; status: string };
  instance.metadata.items = items;
  instance.status = status;
  return instance;
}
const supportKey = () => {
  const pub = readFileSync(`${KEY_FILE}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return { key: 'ssh-keys', value: `support:${pub} support` };
};

describe('gcp adapter (SDK over REST, nock)', () => {
  beforeEach(() => clearSecretsForTest());

  describe('credentials as gcloud and the SDKs find them', () => {
    it('no credentials file anywhere is config.missing-credentials, naming the variables', async () => {
      const err = await rejectsWithCode(
        createAdapter({ env: { HOME: '/nonexistent-home' }, lang: 'en' }),
        'config.missing-credentials',
      );
      expect(String(err.params.variables)).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    });

    it("gcloud's ADC file under CLOUDSDK_CONFIG is read; the project variable wins over the file's", async () => {
      const read: string[] = [];
      const adapter = await createAdapter({
        env: { CLOUDSDK_CONFIG: '/cfg/gcloud', CLOUDSDK_CORE_PROJECT: PROJECT },
        lang: 'en',
        retry: { retries: 0 },
        readTextFile: async (path) => {
          read.push(path);
          return JSON.stringify({
            ...JSON.parse(readFileSync(SERVICE_ACCOUNT, 'utf8')),
            project_id: 'other-project',
          });
        },
      });
      tokenExchange();
      aggregated('name = "web-1"').reply(200, fx('instances-aggregated.json'));
      expect((await adapter.findServer({ name: 'web-1' })).vendor).toEqual({ project: PROJECT, zone: ZONE });
      expect(read).toEqual(['/cfg/gcloud/application_default_credentials.json']);
    });

    it('a credentials file that is not JSON is provider.precondition naming the file', async () => {
      const err = await rejectsWithCode(
        createAdapter({
          env: { GOOGLE_APPLICATION_CREDENTIALS: '/x.json' },
          lang: 'en',
          readTextFile: async () => 'not json',
        }),
        'provider.precondition',
      );
      expect(String(err.params.reason)).toContain('/x.json');
    });

    it('an expired user refresh token (invalid_grant) is auth.failed, and the token is in no error', async () => {
      const user = {
        type: 'authorized_user',
        client_id: '7647.apps.googleusercontent.com',
        client_secret: 'CANARY-client-secret',
        refresh_token: '1//CANARY-refresh-token',
        quota_project_id: PROJECT,
      };
      const adapter = await createAdapter({
        env: { GOOGLE_APPLICATION_CREDENTIALS: '/adc.json' },
        lang: 'en',
        readTextFile: async () => JSON.stringify(user),
      });
      nock('https://oauth2.googleapis.com')
        .post(
          '/token',
          (body: Record<string, string>) =>
            body.grant_type === 'refresh_token' && body.refresh_token === user.refresh_token,
        )
        .reply(400, fx('token-invalid-grant.json'));
      const err = await rejectsWithCode(adapter.findServer({ name: 'web-1' }), 'auth.failed');
      expect(String(err.params.detail)).toContain('invalid_grant');
      expect(JSON.stringify(err)).not.toContain('CANARY');
    });

    it("a service account's JWT refused by the token endpoint is auth.failed", async () => {
      const { ctx } = context();
      const adapter = await createAdapter(ctx);
      tokenExchange({ status: 400, body: fx('token-invalid-grant.json') });
      await rejectsWithCode(adapter.findServer({ name: 'web-1' }), 'auth.failed');
    });

    it("Google's own 401 body (invalid credentials) is auth.failed with Google's words", async () => {
      const { ctx } = context();
      tokenExchange();
      aggregated('name = "web-1"').reply(401, fx('error-401.json'));
      const err = await rejectsWithCode(
        (await createAdapter(ctx)).findServer({ name: 'web-1' }),
        'auth.failed',
      );
      expect(String(err.params.detail)).toContain('invalid authentication credentials');
    });
  });

  describe('finding the instance', () => {
    it('by IP across every page of the aggregated list: natIP (external) and networkIP (internal)', async () => {
      for (const ip of ['203.0.113.70', '10.132.0.7']) {
        const { ctx } = context();
        tokenExchange();
        aggregated(undefined).reply(200, fx('instances-aggregated-page1.json'));
        nock(API)
          .get(`/compute/v1/projects/${PROJECT}/aggregated/instances`)
          .query((q) => q.pageToken === 'CkQIABIOZGItMQ' && q.filter === undefined)
          .reply(200, fx('instances-aggregated-page2.json'));
        const found = await (await createAdapter(ctx)).findServer({ ip });
        expect(found).toMatchObject({
          name: 'web-1',
          id: '4242424242424242424',
          status: 'running',
          location: ZONE,
        });
        expect(found.addresses.ipv4).toEqual(['203.0.113.70', '10.132.0.7']);
      }
    });

    it('a name no zone has is provider.not-found', async () => {
      const { ctx } = context();
      tokenExchange();
      aggregated('name = "web-9"').reply(200, fx('instances-aggregated-empty.json'));
      await rejectsWithCode((await createAdapter(ctx)).findServer({ name: 'web-9' }), 'provider.not-found');
    });

    it('429 rateLimitExceeded is retried after its Retry-After, then succeeds', async () => {
      const { ctx } = context({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
      tokenExchange();
      aggregated('name = "web-1"').reply(429, fx('error-429.json'), { 'Retry-After': '0' });
      aggregated('name = "web-1"').reply(200, fx('instances-aggregated.json'));
      expect((await (await createAdapter(ctx)).findServer({ name: 'web-1' })).name).toBe('web-1');
    });

    it("throttling that outlasts the retries is provider.rate-limited with Google's reason; 403 rateLimitExceeded too", async () => {
      const { ctx } = context();
      tokenExchange();
      aggregated('name = "web-1"').reply(429, fx('error-429.json'), { 'Retry-After': '30' });
      const err = await rejectsWithCode(
        (await createAdapter(ctx)).findServer({ name: 'web-1' }),
        'provider.rate-limited',
      );
      expect(err.params.retryAfter).toBe(30);
      expect(String(err.params.detail)).toContain('Quota exceeded');
      const forbidden = { error: { ...(fx('error-429.json').error as object), code: 403 } };
      const { ctx: ctx2 } = context();
      tokenExchange();
      aggregated('name = "web-1"').reply(403, forbidden);
      await rejectsWithCode(
        (await createAdapter(ctx2)).findServer({ name: 'web-1' }),
        'provider.rate-limited',
      );
    });

    it('OS Login and ssh-keys metadata are named at lookup: a key repair there must go through them', async () => {
      const { ctx, notices } = context();
      const list = fx('instances-aggregated.json') as {
        items: Record<string, { instances: { metadata: { items: unknown[] } }[] }>;
      };
      list.items[`zones/${ZONE}`]!.instances[0]!.metadata.items.push({
        key: 'enable-oslogin',
        value: 'TRUE',
      });
      tokenExchange();
      aggregated('name = "web-1"').reply(200, list);
      await (await createAdapter(ctx)).findServer({ name: 'web-1' });
      expect(notices.join('\n')).toMatch(/OS Login is on for web-1.*gcloud compute os-login ssh-keys add/);
      expect(notices.join('\n')).toMatch(/ssh-keys metadata names alice, support: the Google guest agent/);
    });
  });

  describe('the serial port way in', () => {
    const readsSettings = (
      items: { key: string; value: string }[],
      projectItems: unknown[] = [],
      status = 'RUNNING',
    ) => {
      tokenExchange();
      nock(API).get(INSTANCE).reply(200, instanceWith(items, status));
      const project = fx('project.json') as { commonInstanceMetadata: { items: unknown[] } };
      project.commonInstanceMetadata.items = projectItems;
      nock(API).get(`/compute/v1/projects/${PROJECT}`).reply(200, project);
    };

    it("opens the regional gateway as project.zone.instance.user, pinned to Google's published host key", async () => {
      const { ctx, notices } = context();
      readsSettings([{ key: 'serial-port-enable', value: 'TRUE' }, supportKey()]);
      nock('https://www.gstatic.com')
        .get('/vm_serial_port_public_keys/europe-west1/europe-west1.pub')
        .reply(200, HOST_KEY);
      const endpoint = await (await createAdapter(ctx)).openConsole(server, 'serial');
      const expected = hostKeySha256(Buffer.from(HOST_KEY.split(/\s+/)[1]!, 'base64'));
      expect(endpoint).toMatchObject({
        kind: 'serial-ssh',
        host: 'europe-west1-ssh-serialport.googleapis.com',
        port: 9600,
        username: `${PROJECT}.${ZONE}.web-1.support.port=1`,
        hostKeySha256: expected,
      });
      expect(notices.at(-1)).toBe(
        `serial port of web-1: serial-port-enable=TRUE (instance); your key is in the instance ssh-keys; gateway europe-west1-ssh-serialport.googleapis.com:9600 pinned to host key ${expected} (https://www.gstatic.com/vm_serial_port_public_keys/europe-west1/europe-west1.pub)`,
      );
    });

    it('the project enables it and holds the key, unless the instance blocks project keys', async () => {
      const { ctx } = context();
      readsSettings([], [{ key: 'serial-port-enable', value: 'true' }, supportKey()]);
      nock('https://www.gstatic.com')
        .get('/vm_serial_port_public_keys/europe-west1/europe-west1.pub')
        .reply(200, HOST_KEY);
      expect((await (await createAdapter(ctx)).openConsole(server, 'serial')).kind).toBe('serial-ssh');
      const { ctx: blocked } = context();
      readsSettings(
        [{ key: 'block-project-ssh-keys', value: 'TRUE' }],
        [{ key: 'serial-port-enable', value: 'TRUE' }, supportKey()],
      );
      const err = await rejectsWithCode(
        (await createAdapter(blocked)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toMatch(
        /accepts only keys in the ssh-keys metadata.*add `support:ssh-ed25519 /,
      );
    });

    it('serial port disabled (instance FALSE overrides project TRUE), org policy enforced: both said', async () => {
      const { ctx } = context();
      readsSettings(
        [{ key: 'serial-port-enable', value: 'FALSE' }, supportKey()],
        [{ key: 'serial-port-enable', value: 'TRUE' }],
      );
      nock('https://cloudresourcemanager.googleapis.com')
        .post(`/v1/projects/${PROJECT}:getEffectiveOrgPolicy`, {
          constraint: 'constraints/compute.disableSerialPortAccess',
        })
        .reply(200, fx('org-policy-enforced.json'));
      const err = await rejectsWithCode(
        (await createAdapter(ctx)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain(
        'gcloud compute instances add-metadata web-1 --zone europe-west1-b --metadata serial-port-enable=TRUE',
      );
      expect(String(err.params.hint)).toContain('constraints/compute.disableSerialPortAccess is enforced');
    });

    it('serial port off by default; no org policy forbids it, or it could not be checked (403)', async () => {
      for (const [status, body, says] of [
        [200, fx('org-policy-not-enforced.json'), /no organization policy forbids it/],
        [403, fx('error-403.json'), /could not be checked: .*permission/],
      ] as const) {
        const { ctx } = context();
        readsSettings([supportKey()]);
        nock('https://cloudresourcemanager.googleapis.com')
          .post(`/v1/projects/${PROJECT}:getEffectiveOrgPolicy`)
          .reply(status, body);
        const err = await rejectsWithCode(
          (await createAdapter(ctx)).openConsole(server, 'serial'),
          'console.unavailable',
        );
        expect(String(err.params.hint)).toMatch(says);
      }
    });

    it('a stopped instance, a missing key file, an unreachable host key: each a clear console.unavailable', async () => {
      const { ctx } = context();
      readsSettings([{ key: 'serial-port-enable', value: 'TRUE' }, supportKey()], [], 'TERMINATED');
      let err = await rejectsWithCode(
        (await createAdapter(ctx)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain('instance web-1 is TERMINATED');

      const { ctx: noKey } = context({}, { GCP_SERIAL_KEY_FILE: '/nonexistent/google_compute_engine' });
      readsSettings([{ key: 'serial-port-enable', value: 'TRUE' }]);
      err = await rejectsWithCode(
        (await createAdapter(noKey)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain(
        'no private key for the serial port gateway at /nonexistent/google_compute_engine',
      );

      const { ctx: noHostKey } = context();
      readsSettings([{ key: 'serial-port-enable', value: 'TRUE' }, supportKey()]);
      nock('https://www.gstatic.com')
        .get('/vm_serial_port_public_keys/europe-west1/europe-west1.pub')
        .reply(404, 'Not Found');
      err = await rejectsWithCode(
        (await createAdapter(noHostKey)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain('host key could not be fetched');

      const { ctx: custom } = context({}, { GCP_SERIAL_GATEWAY: 'gw.example.test:9600' });
      readsSettings([{ key: 'serial-port-enable', value: 'TRUE' }, supportKey()]);
      err = await rejectsWithCode(
        (await createAdapter(custom)).openConsole(server, 'serial'),
        'console.unavailable',
      );
      expect(String(err.params.hint)).toContain('an unpinned gateway is never used');
    });

    it('the instance gone since the lookup (404) is provider.not-found, not a console problem', async () => {
      const { ctx } = context();
      tokenExchange();
      nock(API).get(INSTANCE).reply(404, fx('error-404.json'));
      const err = await rejectsWithCode(
        (await createAdapter(ctx)).openConsole(server, 'serial'),
        'provider.not-found',
      );
      expect(String(err.params.query)).toBe('name=web-1');
    });
  });

  describe('the startup-script way in (one reset per command)', () => {
    /** The framed lines a run prints, as the script runner logs them on serial port 1. */
    /** The numbered lines a run prints, as the script runner logs them on serial port 1. */
    const framed = (run: string, out: string, rc: number) => {
      const chunks =
        Buffer.from(out)
          .toString('base64')
          .match(/.{1,76}/g) ?? [];
      return [
        ...chunks.map(
          (l, i) => `google_metadata_script_runner[1077]: startup-script: VR-${run} o ${i + 1} ${l}`,
        ),
        '[   12.345678] random: crng init done',
        `google_metadata_script_runner[1077]: startup-script: VR-${run} end ${rc} ${chunks.length}`,
        '',
      ].join('\n');
    };

    it('sets the script with the fingerprint, resets, reads the output back, restores the metadata', async () => {
      const { ctx, notices } = context();
      const original = [
        { key: 'serial-port-enable', value: 'FALSE' },
        supportKey(),
        { key: 'startup-script', value: 'echo mine' },
      ];
      tokenExchange();
      nock(API).get(INSTANCE).reply(200, instanceWith(original));
      nock(API).get(`/compute/v1/projects/${PROJECT}`).reply(200, fx('project.json'));
      nock(API).get(`${INSTANCE}/serialPort`).query({ port: '1' }).reply(200, fx('serial-port-output.json'));
      let script = '';
      nock(API)
        .post(
          `${INSTANCE}/setMetadata`,
          (body: { fingerprint: string; items: { key: string; value: string }[] }) => {
            script = body.items.find((i) => i.key === 'startup-script')?.value ?? '';
            // Every other item is kept as it was; only startup-script is ours.
            return (
              body.fingerprint === 'zhma6O1w2l8=' &&
              JSON.stringify(body.items.filter((i) => i.key !== 'startup-script')) ===
                JSON.stringify(original.slice(0, 2))
            );
          },
        )
        .reply(200, fx('operation-setmetadata-done.json'));
      nock(API).post(`${INSTANCE}/reset`).reply(200, fx('operation-reset-running.json'));
      nock(API)
        .post(`/compute/v1/projects/${PROJECT}/zones/${ZONE}/operations/operation-1764750000000-reset/wait`)
        .reply(200, fx('operation-reset-done.json'));
      nock(API)
        .get(`${INSTANCE}/serialPort`)
        .query({ port: '1', start: '52' })
        .reply(200, () => ({
          kind: 'compute#serialPortOutput',
          contents: framed(/vps-rescue ([0-9a-f]+):/.exec(script)![1]!, '0\nwarn\n', 3),
          start: '52',
          next: '900',
        }));
      const restored = instanceWith([
        ...original.slice(0, 2),
        { key: 'startup-script', value: script },
      ]) as unknown as {
        metadata: { fingerprint: string };
      };
      restored.metadata.fingerprint = 'bmV3ZXJmcA==';
      nock(API).get(INSTANCE).reply(200, restored);
      nock(API)
        .post(
          `${INSTANCE}/setMetadata`,
          (body: { fingerprint: string; items: unknown[] }) =>
            body.fingerprint === 'bmV3ZXJmcA==' && JSON.stringify(body.items) === JSON.stringify(original),
        )
        .reply(200, fx('operation-setmetadata-done.json'));

      const adapter = await createAdapter(ctx);
      const r = await adapter.runCommand!(server, ['/bin/sh'], { input: 'id -u; echo warn >&2; exit 3\n' });
      expect(r).toEqual({ exitCode: 3, stdout: '0\nwarn\n', stderr: '' });
      // The program travels base64 inside a quoted here-document: nothing of it is expanded.
      expect(script).toContain(Buffer.from('id -u; echo warn >&2; exit 3\n').toString('base64'));
      expect(notices[0]).toMatch(/startup-script way: web-1 is reset once for every command/);
      expect(notices.at(-1)).toBe(
        'metadata of web-1 restored after command 1 (startup-script as it was before)',
      );
    });

    it('a concurrent metadata change (412 on restore) is provider.conflict, and the report says how to clean up', async () => {
      const { ctx, notices } = context();
      tokenExchange();
      nock(API)
        .get(INSTANCE)
        .reply(200, instanceWith([supportKey()]));
      nock(API).get(`/compute/v1/projects/${PROJECT}`).reply(200, fx('project.json'));
      nock(API).get(`${INSTANCE}/serialPort`).query({ port: '1' }).reply(200, fx('serial-port-output.json'));
      let script = '';
      nock(API)
        .post(`${INSTANCE}/setMetadata`, (body: { items: { key: string; value: string }[] }) => {
          script = body.items.find((i) => i.key === 'startup-script')!.value;
          return true;
        })
        .reply(200, fx('operation-setmetadata-done.json'));
      nock(API).post(`${INSTANCE}/reset`).reply(200, fx('operation-reset-done.json'));
      nock(API)
        .get(`${INSTANCE}/serialPort`)
        .query({ port: '1', start: '52' })
        .reply(200, () => ({
          contents: framed(/vps-rescue ([0-9a-f]+):/.exec(script)![1]!, 'ok\n', 0),
          start: '52',
          next: '300',
        }));
      nock(API)
        .get(INSTANCE)
        .reply(200, instanceWith([supportKey()]));
      nock(API).post(`${INSTANCE}/setMetadata`).reply(412, fx('error-412.json'));
      await rejectsWithCode(
        (await createAdapter(ctx)).runCommand!(server, ['/bin/sh'], { input: 'true' }),
        'provider.conflict',
      );
      expect(notices.at(-1)).toContain(
        'gcloud compute instances remove-metadata web-1 --zone europe-west1-b --keys startup-script',
      );
    });

    it('the script, run by a real sh, frames its output so copies and kernel lines in between do not matter', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vr-gcp-script-'));
      try {
        const program =
          'printf "%s\\n" "$(id -u)"; head -c 300 /dev/zero | tr "\\0" a; echo; echo err >&2; exit 4\n';
        // The state directory and the serial device moved into the test's directory; the rest as sent.
        const script = startupScript('abc123', program)
          .replace('d=/var/lib/vps-rescue', `d=${dir}/state`)
          .replaceAll('/dev/ttyS0', `${dir}/ttyS0`);
        writeFileSync(`${dir}/ttyS0`, '');
        const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        const runner = r.stdout.split('\n').map((l) => `google_metadata_script_runner: startup-script: ${l}`);
        const tty = readFileSync(`${dir}/ttyS0`, 'utf8').split('\n');
        // The runner's copy and the direct copy interleaved, with a kernel line between.
        const mixed = runner.flatMap((l, i) => [l, tty[i] ?? '', '[    9.1] kernel noise']).join('\r\n');
        const expected = {
          exitCode: 4,
          stdout: `${process.getuid!()}\n${'a'.repeat(300)}\nerr\n`,
          stderr: '',
        };
        expect(parseRun('abc123', mixed)).toEqual(expected);
        // A run still being written (its last line missing) is no result; nor is another run's.
        const missing = r.stdout
          .split('\n')
          .filter((l) => !l.includes(' o 2 '))
          .join('\n');
        expect(parseRun('abc123', missing)).toBeUndefined();
        expect(parseRun('abc124', r.stdout)).toBeUndefined();
        // A second boot with the same script runs nothing (the metadata was not restored).
        expect(spawnSync('sh', ['-c', script], { encoding: 'utf8' }).stdout).toBe('');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an instance with startup-script-url is refused before anything changes', async () => {
      const { ctx } = context();
      tokenExchange();
      nock(API)
        .get(INSTANCE)
        .reply(
          200,
          instanceWith([supportKey(), { key: 'startup-script-url', value: 'gs://bucket/boot.sh' }]),
        );
      nock(API).get(`/compute/v1/projects/${PROJECT}`).reply(200, fx('project.json'));
      const err = await rejectsWithCode(
        (await createAdapter(ctx)).runCommand!(server, ['/bin/sh'], { input: 'true\n' }),
        'provider.precondition',
      );
      expect(String(err.params.reason)).toContain('--keys startup-script-url');
    });

    it('a program carrying a secret never goes into metadata: provider.precondition before any call', async () => {
      const { ctx } = context();
      registerSecret('Pw-CANARY-window-7');
      const adapter = await createAdapter(ctx);
      const err = await rejectsWithCode(
        adapter.runCommand!(server, ['/bin/sh'], { input: "VRPW='Pw-CANARY-window-7' sh /root/x.sh\n" }),
        'provider.precondition',
      );
      expect(String(err.params.reason)).toMatch(/readable by every process on the instance/);
    });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refuseSecretsOnArgv, urlCarriesSecret } from '../../../src/cli/argv-guard.js';
import { consoleUrl } from '../../../src/cli/console-url.js';
import { main } from '../../../src/cli/main.js';
import { describeEndpoint } from '../../../src/console/endpoint.js';
import { clearSecretsForTest, mask } from '../../../src/secrets.js';

/** Console URLs with a token, ticket or password: never on argv, never printed. */
const refusal = (argv: string[]) => {
  try {
    refuseSecretsOnArgv(argv);
    return undefined;
  } catch (err) {
    return err as { code: string; params: Record<string, string> };
  }
};

describe('console URLs and their secrets', () => {
  beforeEach(() => clearSecretsForTest());

  it('a URL with a token, ticket or password on argv is refused with the safe alternative', () => {
    for (const argv of [
      ['rescue', '--console', 'wss://console.example.test/?token=CANARY-tok'],
      ['--console=termproxy+wss://root%40pam@pve:8006/api2/json/x?vncticket=CANARY-t'],
      ['console', '--connect', 'wss://admin:CANARY-pw@127.0.0.1:1/console'],
      ['console', '--connect', 'https://vnc.example.test/vnc_auto.html#token=CANARY'],
    ]) {
      const err = refusal(argv);
      expect(err?.code, argv.join(' ')).toBe('usage.secret-on-argv');
      expect(err?.params.alternative).toMatch(/--(console|connect)-env VAR or --(console|connect)-file FILE/);
      expect(JSON.stringify(err)).not.toContain('CANARY');
    }
  });

  it('the CLI says so in one line with a usage exit code, never echoing the URL', async () => {
    const err: string[] = [];
    const code = await main(
      ['rescue', '--console', 'wss://console.example.test/?token=CANARY-cli', '--host', '203.0.113.9'],
      {
        stderr: (t) => err.push(t),
        stdout: () => {},
        env: {},
      },
    );
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('[usage.secret-on-argv]');
    expect(err[0]).toContain('--console-env');
    expect(err[0]).not.toContain('CANARY');
  });

  it('URLs without a secret stay allowed on argv', () => {
    for (const url of [
      'ssh://support@lish-ap-northeast.linode.com:22/web-1',
      'unix:/run/c.sock',
      'tcp://127.0.0.1:5555',
    ]) {
      expect(urlCarriesSecret(url), url).toBe(false);
      expect(refusal(['rescue', '--console', url])).toBeUndefined();
    }
    // After `--` nothing is an option.
    expect(refusal(['--', '--console', 'wss://h/?token=x'])).toBeUndefined();
  });

  it('an endpoint is described without user-info, query or fragment, and masked', () => {
    const described = describeEndpoint({
      kind: 'serial-ws',
      url: 'wss://admin:CANARY-pw@127.0.0.1:1/console?token=CANARY-tok#CANARY-frag',
    });
    expect(described).toBe('wss://127.0.0.1:1/console?…');
  });

  describe('from a variable or a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), `vr-url-${process.pid}-`));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is read, registered as a secret, and only one source is allowed', () => {
      const url = 'wss://console.example.test/?token=CANARY-env';
      expect(consoleUrl({ option: 'console', env: 'VR_URL' }, { env: { VR_URL: url } })).toBe(url);
      expect(mask(`connect ${url}`)).toBe('connect ***');
      const file = join(dir, 'url');
      writeFileSync(file, 'wss://console.example.test/?token=CANARY-file\n', { mode: 0o600 });
      expect(consoleUrl({ option: 'console', file }, { env: {} })).toBe(
        'wss://console.example.test/?token=CANARY-file',
      );
      expect(() =>
        consoleUrl({ option: 'console', url: 'unix:/x', env: 'VR_URL' }, { env: { VR_URL: url } }),
      ).toThrow(/usage/);
      expect(() => consoleUrl({ option: 'console', env: 'UNSET' }, { env: {} })).toThrow(/usage/);
    });

    it('a refused connection through --connect-env prints no part of the secret', async () => {
      const err: string[] = [];
      const code = await main(['console', '--connect-env', 'VR_URL'], {
        stderr: (t) => err.push(t),
        stdout: () => {},
        env: { VR_URL: 'ws://admin:CANARY-pw@127.0.0.1:1/console?token=CANARY-tok' },
      });
      expect(code).not.toBe(0);
      expect(err.join('\n')).toContain('[console.connect]');
      expect(err.join('\n')).not.toMatch(/CANARY|admin/);
    });
  });
});

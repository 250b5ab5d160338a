import { readFile } from 'node:fs/promises';
import { it } from 'vitest';
import { bootScenario, generateKeyPair, labRescueOptions } from '../../lab/index.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { rescue } from '../../src/rescue/run.js';
import { HOST_KEY_MISMATCH, keyLogin } from '../../src/verify/ssh-probe.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * The host keys the collector reads over the console pin the verification: the rescue's own check
 * and the real OpenSSH client accept the server with them, and both refuse a server whose key is
 * not among them before any secret is sent.
 */
labDescribe('host keys read on the console', () => {
  it('pin the verification logins', async ({ expect }) => {
    const b = await bootScenario('story-wrong-dir');
    try {
      const privateKey = await readFile(b.key.privateKeyPath, 'utf8');
      const result = await rescue(
        labRescueOptions(b.server, { customerKey: b.key.publicKey, privateKey, userPassword: undefined }),
      );
      expect(result.verification?.hostKey).toBe('pinned');
      expect(result.verification?.passed, JSON.stringify(result.verification)).toBe(true);

      const built = buildCollector({ users: ['alice'], clientAddress: '127.0.0.1' });
      const c = parseCollection(await b.server.execChecked('sh -s', { input: built.script }), built.nonce);
      // the server's own files, read through the lab's back door, are the truth the pins must match
      const truth = await b.server.execChecked("cut -d' ' -f1,2 /etc/ssh/ssh_host_*_key.pub");
      expect([...c.hostKeys].sort()).toEqual(truth.trim().split('\n').sort());

      const pinned = await b.server.sshLogin({
        user: 'alice',
        privateKeyPath: b.key.privateKeyPath,
        hostKeys: c.hostKeys,
      });
      expect(pinned.ok, pinned.stderr).toBe(true);

      const stranger = (await generateKeyPair('ed25519')).publicKey.split(' ').slice(0, 2).join(' ');
      const refused = await b.server.sshLogin({
        user: 'alice',
        privateKeyPath: b.key.privateKeyPath,
        hostKeys: [stranger],
      });
      expect(refused.ok).toBe(false);
      expect(refused.stderr).toMatch(/Host key verification failed/);
      const target = { host: b.server.address, port: 22 };
      const probe = await keyLogin({ ...target, hostKeys: [stranger] }, 'alice', privateKey);
      expect(probe).toMatchObject({ ok: false, error: HOST_KEY_MISMATCH });
      expect((await keyLogin({ ...target, hostKeys: c.hostKeys }, 'alice', privateKey)).ok).toBe(true);
    } finally {
      await b.server.destroy();
    }
  });
});

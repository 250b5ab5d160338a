import { existsSync, readFileSync } from 'node:fs';
import { it } from 'vitest';
import { createServer, generateKeyPair, toRfc4716 } from '../../lab/index.js';
import { analyse } from '../../src/diagnose/analyse.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { labDescribe } from '../support/lab-guard.js';
import { CASES } from './diagnose-cases.js';

const BUSYBOX = '/usr/bin/busybox';
const ci = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Alpine-like tools: the collector under busybox ash with only busybox applets in front of PATH
 * (no systemctl, no journalctl, busybox stat/sed/awk/grep/readlink). It must see what dash with GNU
 * tools sees. The busybox binary is the host's static one (Debian package busybox-static).
 */
labDescribe('collector under busybox', () => {
  it.skipIf(!existsSync(BUSYBOX) && !ci)('finds the same causes as under dash', async ({ expect }) => {
    expect(existsSync(BUSYBOX), 'needs the Debian package busybox-static on the lab host').toBe(true);
    const c = CASES.find((x) => x.id === 'x-home-775-shared-group');
    if (!c) throw new Error('case missing');
    const key = await generateKeyPair('ed25519');
    const spec = c.build({ key, rfc4716: await toRfc4716(key) });
    const server = await createServer({
      ...spec,
      // A symlinked key file too: readlink -f and the realpath walk must work with busybox.
      commands: [
        ...(spec.commands ?? []),
        'mkdir -p /home/alice/keys && mv /home/alice/.ssh/authorized_keys /home/alice/keys/alice',
        'ln -s ../keys/alice /home/alice/.ssh/authorized_keys',
      ],
    });
    try {
      await server.execChecked('mkdir -p /opt/bb');
      await server.writeFile('/opt/bb/busybox', readFileSync(BUSYBOX), { mode: 0o755 });
      await server.execChecked('/opt/bb/busybox --install -s /opt/bb');
      // OpenSSH's own tool, as on a busybox system with OpenSSH installed
      await server.execChecked('ln -s /usr/bin/ssh-keygen /opt/bb/ssh-keygen');
      const users = ['alice', 'root'];
      const run = async (shell: string) => {
        const { script, nonce } = buildCollector({ users, clientAddress: '127.0.0.1' });
        const r = await server.exec(shell, { input: script });
        const collection = parseCollection(r.stdout, nonce);
        return {
          collection,
          d: analyse({ collection, users, customerKey: key.publicKey, clientAddress: '127.0.0.1' }),
        };
      };
      const dash = await run('sh');
      const bb = await run('env PATH=/opt/bb:/usr/sbin /opt/bb/sh');
      const path = '/home/alice/.ssh/authorized_keys';
      expect(bb.collection.keyFiles[path]?.realPath).toBe('/home/alice/keys/alice');
      expect(bb.collection.keyFiles[path]).toEqual(dash.collection.keyFiles[path]);
      expect(bb.collection.keyFiles[path]?.content?.[0]).toBe(key.publicKey.trim());
      expect(dash.collection.hostKeys.length).toBeGreaterThan(0);
      expect(bb.collection.hostKeys).toEqual(dash.collection.hostKeys);
      expect(bb.collection.users.alice?.shadow).toEqual(dash.collection.users.alice?.shadow);
      expect(bb.collection.configFiles).toEqual(dash.collection.configFiles);
      expect(bb.d.primary?.cause).toBe('keys.dir-mode');
      expect(bb.d.findings.map((f) => f.cause)).toEqual(dash.d.findings.map((f) => f.cause));
    } finally {
      await server.destroy();
    }
  });
});

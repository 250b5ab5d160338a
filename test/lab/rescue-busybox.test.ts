import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import {
  bootScenario,
  consoleLogin,
  createServer,
  generateKeyPair,
  PASSWORDS,
  SCENARIOS,
  scenarioById,
  toRfc4716,
  type KeyPair,
  type LabServer,
  type Scenario,
} from '../../lab/index.js';
import { analyse } from '../../src/diagnose/analyse.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { labDescribe } from '../support/lab-guard.js';
import { consoleRescue, snapshot } from './busybox-support.js';
import { changedPaths, explained } from './rescue-snapshot.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STORY = 'story-wrong-dir';

/** The story's lockout on an Alpine-like server: busybox init/getty/login, no systemd, no PAM. */
async function bootStory(): Promise<{ server: LabServer; key: KeyPair }> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = scenarioById(STORY).build({ key, rfc4716: await toRfc4716(key) });
  return { server: await createServer({ ...spec, flavour: 'busybox' }), key };
}

async function collect(server: LabServer, key: KeyPair) {
  const users = ['alice', 'root'];
  const { script, nonce } = buildCollector({ users, clientAddress: '127.0.0.1' });
  const collection = parseCollection(await server.execChecked('sh -s', { input: script }), nonce);
  const d = analyse({ collection, users, customerKey: key.publicKey, clientAddress: '127.0.0.1' });
  return { collection, d };
}

/**
 * Without PAM, sshd itself refuses an account whose shadow password starts with `!` — key logins too
 * (Alpine's `adduser -D` accounts). The Debian servers' sshd uses PAM, where only the password is.
 */
const BUSYBOX_PRIMARY: Record<string, string> = { 'no-passwords': 'account.locked' };

async function diagnoseScenario(sc: Scenario) {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = sc.build({ key, rfc4716: await toRfc4716(key) });
  const server = await createServer({ ...spec, flavour: 'busybox', waitForSshd: sc.expect.sshd === 'up' });
  try {
    const users = [...new Set([sc.loginUser, 'root'])];
    const { script, nonce } = buildCollector({ users, clientAddress: '127.0.0.1' });
    const collection = parseCollection((await server.exec('sh -s', { input: script })).stdout, nonce);
    const d = analyse({ collection, users, customerKey: key.publicKey, clientAddress: '127.0.0.1' });
    const login = await server.sshLogin({ user: sc.loginUser, privateKeyPath: key.privateKeyPath });
    return { d, login, log: (await server.sshdLog()).join('\n') };
  } finally {
    await server.destroy();
  }
}

labDescribe('rescue on an Alpine-like busybox server', () => {
  describe.concurrent('every lab scenario, diagnosed on the busybox flavour', () => {
    for (const sc of SCENARIOS) {
      it(sc.id, async ({ expect }) => {
        const { d, login, log } = await diagnoseScenario(sc);
        const causes = d.findings.map((f) => f.cause);
        expect(login.ok ? 'accepted' : 'refused').toBe(sc.expect.keyLogin);
        const primary = sc.expect.keyLogin === 'accepted' ? null : (sc.expectedCauses[0] ?? null);
        expect(d.primary?.cause ?? null, causes.join(' ')).toBe(BUSYBOX_PRIMARY[sc.id] ?? primary);
        for (const cause of sc.expectedCauses) expect(causes, cause).toContain(cause);
        if (sc.expect.sshdLog && !BUSYBOX_PRIMARY[sc.id]) expect(log).toMatch(sc.expect.sshdLog);
      });
    }
  });

  describe.concurrent('busybox flavour', () => {
    it('is busybox init, ash and applets, getty + login without PAM, no systemd', async ({ expect }) => {
      const { server } = await bootStory();
      try {
        expect((await server.execChecked('readlink /proc/1/exe; cat /proc/1/comm')).split('\n')).toEqual([
          '/bin/busybox',
          'init',
          '',
        ]);
        expect((await server.exec('test -e /run/systemd/system')).code).toBe(1);
        const tools =
          'sh sed awk grep stat readlink cp chown chmod mkdir setsid sleep kill cat od login getty';
        const links = await server.execChecked(`for t in ${tools}; do readlink -f "$(which $t)"; done`);
        expect(new Set(links.trim().split('\n'))).toEqual(new Set(['/bin/busybox']));
        expect((await server.exec('ls /lib/x86_64-linux-gnu | grep -c pam_')).stdout.trim()).toBe('0');
        expect(await consoleLogin(server, 'alice', 'not-her-password')).toBe('incorrect');
        expect(await consoleLogin(server, 'root', PASSWORDS.root)).toBe('shell');
        const pid = (await server.readFile('/run/sshd.pid')).toString().trim();
        expect((await server.execChecked(`cat /proc/${pid}/comm`)).trim()).toBe('sshd');
      } finally {
        const init = await server.leaderPid();
        await server.destroy();
        // destroy() finds busybox init as the machine's leader and takes everything down with it.
        expect(existsSync(`/proc/${init}`)).toBe(false);
        expect(existsSync(server.dir)).toBe(false);
      }
    });

    it(`${STORY}: --action auto with the customer's key → key login works`, async ({ expect }) => {
      const { server, key } = await bootStory();
      try {
        expect((await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath })).refused).toBe(
          true,
        );
        const before = await snapshot(server);
        const result = await consoleRescue(server, {
          action: 'auto',
          customerKey: key.publicKey,
          privateKey: await readFile(key.privateKeyPath, 'utf8'),
        });
        const changed = changedPaths(before, await snapshot(server));
        expect(result.diagnosis?.primary?.cause).toBe('keys.wrong-dir');
        expect(result.ok, JSON.stringify(result.verification)).toBe(true);
        expect(result.changes.length).toBeGreaterThan(0);
        expect(changed.filter((p) => !explained(p, result.changes))).toEqual([]);
        expect(changed).toContain('/home/alice/.ssh/authorized_keys');
        for (const ch of result.changes) {
          expect(ch.status).toBe('ok');
          expect((await server.exec(`test -f ${ch.backupDir}/m`)).code).toBe(0);
        }
        const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
        expect(login.ok, login.stderr).toBe(true);
      } finally {
        await server.destroy();
      }
    });

    it('password window (--window 1): open after a SIGHUP by pid file, closed by the setsid closer', async ({
      expect,
    }) => {
      const { server } = await bootStory();
      try {
        const password = () => server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
        expect((await password()).refused).toBe(true);
        const shadow = (await server.execChecked('grep "^alice:" /etc/shadow')).trim();
        const pid = (await server.readFile('/run/sshd.pid')).toString().trim();
        const result = await consoleRescue(server, { action: 'enable-password', windowMinutes: 1 });
        const opened = Date.now();
        expect(result.ok, JSON.stringify(result.verification)).toBe(true);
        const change = result.changes.find((c) => c.action === 'enable-password');
        expect(change?.status).toBe('ok');
        expect(change?.window?.mode).toBe('dropin');
        expect((await password()).ok).toBe(true);
        // Reloaded in place: the same sshd process re-executed itself on SIGHUP.
        expect((await server.readFile('/run/sshd.pid')).toString().trim()).toBe(pid);
        expect((await server.sshdLog()).join('\n')).toMatch(/sshd\[\d+\]: Received SIGHUP; restarting/);
        // The closer waits in a detached watcher (no systemd timer, no unit written).
        expect((await server.exec('ls /etc/systemd')).code).not.toBe(0);
        expect((await server.execChecked('ps -o pid,args')).toString()).toMatch(
          /sh \/etc\/vps-rescue\/close-window-alice watch /,
        );

        let refused = false;
        while (!refused && Date.now() - opened < 120_000) {
          await sleep(2000);
          refused = (await password()).refused;
        }
        expect(refused, 'the window did not close within 2 minutes').toBe(true);
        expect(Date.now() - opened).toBeGreaterThan(50_000);
        expect((await server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue-alice.conf')).code).toBe(1);
        expect((await server.readFile('/run/sshd.pid')).toString().trim()).toBe(pid);
        // The account is as it was; root still may not log in with a password.
        expect((await server.execChecked('grep "^alice:" /etc/shadow')).trim()).toBe(shadow);
        expect((await server.sshLogin({ user: 'root', password: PASSWORDS.root })).refused).toBe(true);
        expect(await consoleLogin(server, 'alice', PASSWORDS.alice)).toBe('shell');
      } finally {
        await server.destroy();
      }
    });

    it('the collector sees on it all a Debian server shows (except systemd units)', async ({ expect }) => {
      const [bb, debian] = await Promise.all([bootStory(), bootScenario(STORY)]);
      try {
        const a = await collect(bb.server, bb.key);
        const b = await collect(debian.server, debian.key);
        expect(a.collection.os.id).toBe('alpine');
        expect(a.collection.version).toMatch(/^OpenSSH_/);
        expect(a.collection.syntax.rc).toBe(0);
        expect(a.collection.configFiles.map((f) => f.path)).toContain('/etc/ssh/sshd_config');
        for (const user of ['alice', 'root']) {
          const u = a.collection.users[user];
          expect(u?.effective.rc, user).toBe(0);
          for (const keyword of ['passwordauthentication', 'pubkeyauthentication', 'authorizedkeysfile'])
            expect(u?.effective.values[keyword], `${user} ${keyword}`).toBeDefined();
          expect(u?.shadow?.password, user).toBe('set');
          expect(u?.shell?.exists, user).toBe(true);
          // Alpine's AuthorizedKeysFile has no authorized_keys2 (Debian's has): each one is examined.
          expect(u?.keyFiles).toEqual([
            user === 'root' ? '/root/.ssh/authorized_keys' : '/home/alice/.ssh/authorized_keys',
          ]);
          for (const path of u?.keyFiles ?? [])
            expect(a.collection.keyFiles[path]?.chain.length, path).toBeGreaterThan(1);
        }
        expect(a.collection.users.alice?.sshDir).toEqual(b.collection.users.alice?.sshDir);
        const keys2 = (k: string) => !k.endsWith('_keys2');
        expect(Object.keys(a.collection.keyFiles).sort()).toEqual(
          Object.keys(b.collection.keyFiles).filter(keys2).sort(),
        );
        expect(a.collection.keyFiles).toMatchObject(
          Object.fromEntries(
            Object.entries(b.collection.keyFiles)
              // Debian's image has a /root/.ssh, Alpine's has not: the owner's own files are compared.
              .filter(([k]) => keys2(k) && k.startsWith('/home/'))
              .map(([k, v]) => [
                k,
                { path: v.path, chain: v.chain.map((e) => ({ path: e.path, exists: e.exists })) },
              ]),
          ),
        );
        expect(a.collection.groups.find((g) => g.name === 'wheel')?.members).toContain('alice');
        expect(a.collection.sshdProcesses).toBeGreaterThan(0);
        expect(a.collection.listeners.join('\n')).toContain(`${bb.server.address}:22`);
        expect(a.collection.log.length).toBeGreaterThan(0);
        expect(a.collection.units).toEqual({});
        expect(a.d.primary?.cause).toBe('keys.wrong-dir');
        expect(a.d.findings.map((f) => f.cause)).toEqual(b.d.findings.map((f) => f.cause));
      } finally {
        await Promise.all([bb.server.destroy(), debian.server.destroy()]);
      }
    });
  });
});

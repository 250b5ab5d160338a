import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, it, type ExpectStatic } from 'vitest';
import {
  ALICE,
  bootScenario,
  consoleLogin,
  createServer,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  PASSWORDS,
  SCENARIOS,
  scenarioById,
  toRfc4716,
  type KeyPair,
  type LabServer,
  type Scenario,
  type ScenarioContext,
  type ServerSpec,
} from '../../lab/index.js';
import { analyse } from '../../src/diagnose/analyse.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions, RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { changedPaths, explained } from './rescue-snapshot.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STORY = 'story-wrong-dir';

/** The story's lockout on an Alpine-like server: busybox init/getty/login, no systemd, no PAM. */
async function bootStory(): Promise<{ server: LabServer; key: KeyPair }> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = scenarioById(STORY).build({ key, rfc4716: await toRfc4716(key) });
  return { server: await createServer({ ...spec, flavour: 'busybox' }), key };
}

/** rescue-snapshot's snapshot with busybox find/stat/sha256sum (no GNU find -printf here). */
async function snapshot(server: LabServer): Promise<Map<string, string>> {
  const where = "/etc /home /root -xdev ! -path '/root/.vps-rescue*'";
  const meta = await server.execChecked(`find ${where} -exec stat -c '%n|%a %u %g %F' {} +`);
  const sums = await server.execChecked(`find ${where} -type f -exec sha256sum {} +`);
  const out = new Map<string, string>();
  for (const line of meta.split('\n').filter(Boolean)) {
    const at = line.lastIndexOf('|');
    out.set(line.slice(0, at), line.slice(at + 1));
  }
  for (const line of sums.split('\n').filter(Boolean)) {
    const path = line.slice(66);
    out.set(path, `${out.get(path)} ${line.slice(0, 64)}`);
  }
  return out;
}

function consoleRescue(server: LabServer, o: Partial<RescueOptions> & Pick<RescueOptions, 'action'>) {
  return rescue({
    console: { kind: 'local', url: `unix:${server.consoleSocket}` },
    host: server.address,
    consoleUser: 'root',
    consolePassword: PASSWORDS.root,
    user: 'alice',
    userPassword: PASSWORDS.alice,
    windowMinutes: 60,
    lang: 'en',
    ...o,
  });
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

interface AccountCase {
  id: string;
  build: (ctx: ScenarioContext) => ServerSpec;
  user: string;
  primary: string;
  action?: RescueOptions['action'];
  login: 'key' | 'password';
  /** checks on the server afterwards; `before` is the user's shadow password field before the rescue */
  after: (server: LabServer, expect: ExpectStatic, before: string) => Promise<void>;
}

/** Field `n` (1-based) of `name`'s line in a colon file. */
async function field(server: LabServer, file: string, name: string, n: number): Promise<string> {
  const out = await server.execChecked(`awk -F: -v u=${name} '$1==u{print $${n}}' ${file}`);
  return out.replace(/\n$/, '');
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
        expect(result.diagnosis?.primary?.cause).toBe('keys.file-missing');
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
        // The closer waits in a detached sleep (no systemd timer, no unit written).
        expect((await server.exec('ls /etc/systemd')).code).not.toBe(0);
        expect((await server.execChecked('ps -o pid,args')).toString()).toMatch(/sleep 60/);

        let refused = false;
        while (!refused && Date.now() - opened < 120_000) {
          await sleep(2000);
          refused = (await password()).refused;
        }
        expect(refused, 'the window did not close within 2 minutes').toBe(true);
        expect(Date.now() - opened).toBeGreaterThan(50_000);
        expect((await server.exec('test -e /etc/ssh/sshd_config.d/00-vps-rescue.conf')).code).toBe(1);
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
        expect(a.d.primary?.cause).toBe('keys.file-missing');
        expect(a.d.findings.map((f) => f.cause)).toEqual(b.d.findings.map((f) => f.cause));
      } finally {
        await Promise.all([bb.server.destroy(), debian.server.destroy()]);
      }
    });
  });
  /**
   * No useradd/usermod/chage/chpasswd/pgrep here: the account fixes and the password window run on
   * busybox alone (awk field edits, mkpasswd), through the real console, and the way in works after.
   */
  describe.concurrent('account fixes without shadow-utils', () => {
    const cases: AccountCase[] = [
      {
        id: 'root-only-account',
        build: (ctx) => scenarioById('root-only-account').build(ctx),
        user: 'admin',
        primary: 'account.missing',
        login: 'key',
        after: async (server, expect) => {
          expect(await field(server, '/etc/shadow', 'admin', 2)).toBe('*');
          expect(await field(server, '/etc/passwd', 'admin', 7)).toBe('/bin/sh');
          expect((await field(server, '/etc/group', 'wheel', 4)).split(',')).toContain('admin');
        },
      },
      {
        id: 'shell-missing',
        build: (ctx) => scenarioById('shell-missing').build(ctx),
        user: 'alice',
        primary: 'account.shell',
        login: 'key',
        after: async (server, expect) => {
          expect(await field(server, '/etc/passwd', 'alice', 7)).toBe('/bin/sh');
        },
      },
      {
        id: 'locked-hash',
        // usermod -L by hand: the hash kept behind a '!'; without PAM sshd refuses the key too.
        build: ({ key }) =>
          hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
            commands: ["sed -i 's/^alice:/alice:!/' /etc/shadow"],
          }),
        user: 'alice',
        primary: 'account.locked',
        login: 'key',
        after: async (server, expect, before) => {
          expect(before).toMatch(/^!\$6\$/);
          expect(await field(server, '/etc/shadow', 'alice', 2)).toBe(before.slice(1));
          // The password behind the '!' is alice's again.
          expect(await consoleLogin(server, 'alice', PASSWORDS.alice)).toBe('shell');
        },
      },
      {
        id: 'expired',
        // chage -E 1 by hand: the account expired on 1970-01-02; the fix empties field 8 as chage -E -1.
        build: ({ key }) =>
          hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
            commands: [
              'awk -F: -v OFS=: \'$1=="alice"{$8=1}1\' /etc/shadow > /tmp/s && cat /tmp/s > /etc/shadow && rm /tmp/s',
            ],
          }),
        user: 'alice',
        primary: 'account.expired',
        login: 'key',
        after: async (server, expect) => {
          expect(await field(server, '/etc/shadow', 'alice', 8)).toBe('');
          expect(await field(server, '/etc/shadow', 'alice', 2)).toMatch(/^\$6\$/);
        },
      },
      {
        id: 'no-password',
        // Alpine's `adduser -D`: no password ('!'); the support engineer opens a window with a new one.
        build: ({ key }) =>
          hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
            users: [{ ...ALICE, password: undefined }],
          }),
        user: 'alice',
        primary: 'account.locked',
        action: 'enable-password',
        login: 'password',
        after: async (server, expect, before) => {
          expect(before).toBe('!');
          expect(await field(server, '/etc/shadow', 'alice', 2)).toMatch(/^\$6\$/);
        },
      },
    ];
    for (const c of cases) {
      it(`${c.id} → ${c.primary}, ${c.login} login works`, async ({ expect }) => {
        const key = await generateKeyPair('ed25519', 'owner@laptop');
        const spec = c.build({ key, rfc4716: await toRfc4716(key) });
        const server = await createServer({ ...spec, flavour: 'busybox', waitForSshd: false });
        try {
          // The image carries Debian's pgrep (Alpine's busybox has it); a busybox without it is the harder case.
          await server.execChecked('rm /usr/bin/pgrep');
          const tools = 'useradd usermod chage chpasswd pgrep';
          expect((await server.exec(`for t in ${tools}; do command -v $t; done`)).stdout).toBe('');
          const shadowBefore = await field(server, '/etc/shadow', c.user, 2);
          const before = await snapshot(server);
          let generated: string | undefined;
          const result: RescueResult = await consoleRescue(server, {
            action: c.action ?? 'auto',
            user: c.user,
            userPassword: undefined,
            ...(c.login === 'key'
              ? { customerKey: key.publicKey, privateKey: await readFile(key.privateKeyPath, 'utf8') }
              : {}),
            handOverPassword: async (_user, password) => {
              generated = password;
              return 'test';
            },
          });
          const changed = changedPaths(before, await snapshot(server));
          expect(result.diagnosis?.primary?.cause).toBe(c.primary);
          expect(result.ok, JSON.stringify(result.verification)).toBe(true);
          expect(result.changes.map((ch) => ch.status)).not.toContain('rolled-back');
          expect(changed.filter((p) => !explained(p, result.changes))).toEqual([]);
          // A field edit rewrites the file in place: its mode and owner stay.
          expect(
            (await server.execChecked('stat -c "%a %u %g" /etc/shadow /etc/passwd')).split('\n'),
          ).toEqual(['640 0 42', '644 0 0', '']);
          const login =
            c.login === 'key'
              ? await server.sshLogin({ user: c.user, privateKeyPath: key.privateKeyPath })
              : await server.sshLogin({ user: c.user, password: generated ?? '' });
          expect(generated === undefined, 'a password was generated').toBe(c.login === 'key');
          expect(login.ok, login.stderr).toBe(true);
          await c.after(server, expect, shadowBefore);
        } finally {
          await server.destroy();
        }
      });
    }
  });
});

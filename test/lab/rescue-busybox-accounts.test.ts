import { readFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import {
  ALICE,
  consoleLogin,
  createServer,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  PASSWORDS,
  scenarioById,
  toRfc4716,
} from '../../lab/index.js';
import type { RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { consoleRescue, field, snapshot, type AccountCase } from './busybox-support.js';
import { changedPaths, explained } from './rescue-snapshot.js';

labDescribe('rescue on an Alpine-like busybox server', () => {
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

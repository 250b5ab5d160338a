import { describe, it } from 'vitest';
import {
  ALICE,
  createServer,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  labRescueOptions,
  LabServer,
  PASSWORDS,
  scenarioById,
  toRfc4716,
} from '../../lab/index.js';
import { ConsoleSession } from '../../src/console/session.js';
import { rescue } from '../../src/rescue/run.js';
import { labDescribe } from '../support/lab-guard.js';
import { shellsOnConsole } from './console-shells.js';
import { consoleRescue } from './busybox-support.js';

/** A server locked out by the wrapped key line (repairable with the customer's key), and that key. */
async function lockedOut() {
  const key = await generateKeyPair();
  const spec = scenarioById('key-line-wrapped').build({ key, rfc4716: await toRfc4716(key) });
  return { key, spec };
}

/** Getty's prompt ends what the console shows once everything settled. */
async function consoleAtLogin(server: LabServer, since: number): Promise<void> {
  await server.console.waitFor(/login: $/, 15_000, since);
}

labDescribe('a hostile server cannot catch the console password', () => {
  describe.concurrent('Debian (systemd, PAM, bash)', () => {
    it('a console left at alice`s shell, with sudo caught by a function and an alias: logged out first, the rescue completes, nothing caught', async ({
      expect,
    }) => {
      const { key, spec } = await lockedOut();
      const server = await LabServer.create(spec);
      try {
        // Alice prepares her shell so that whatever reaches `sudo` (arguments, and the line typed at
        // its prompt) lands in a file, then leaves her console logged in.
        const trap = [
          // It shows the prompt it was given (sudo -p …), as sudo would, and keeps the answer.
          `vrcatch(){ printf 'args %s\\n' "$*" >>/tmp/caught; printf '%s' "$2"; IFS= read -r p; printf 'stdin %s\\n' "$p" >>/tmp/caught; }`,
          'sudo(){ vrcatch "$@"; }',
          'su(){ vrcatch "$@"; }',
          "alias sudo='vrcatch' su='vrcatch'",
          'PS1="alice@web:~$ "',
        ].join('\n');
        await server.execChecked(
          `cat >> /home/alice/.bashrc; printf '. ~/.bashrc\\n' > /home/alice/.bash_profile; touch /tmp/caught; chmod 666 /tmp/caught; chown alice: /home/alice/.bashrc /home/alice/.bash_profile`,
          { input: `${trap}\n` },
        );
        const alice = await ConsoleSession.open({ kind: 'local', url: `unix:${server.consoleSocket}` });
        await alice.login({ user: 'alice', password: PASSWORDS.alice, root: false });
        expect((await alice.run('type sudo')).stdout).toMatch(/aliased to .vrcatch/);
        await alice.close(); // no logout: her shell stays on the console

        const since = server.console.length;
        const r = await rescue(labRescueOptions(server, { customerKey: key.publicKey }));
        expect(r.ok).toBe(true);
        const caught = await server.execChecked('cat /tmp/caught');
        for (const secret of [PASSWORDS.root, PASSWORDS.alice]) {
          expect(caught).not.toContain(secret);
          expect(server.console.text(since)).not.toContain(secret);
        }
        // Her shell was asked who it is and logged out, then root logged in afresh; at the end no
        // shell is left on the console.
        expect(server.console.text(since)).toMatch(/Q\w{7}:1000:alice:/);
        await consoleAtLogin(server, since);
        expect(await shellsOnConsole(server)).toEqual([]);
        expect((await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath })).ok).toBe(true);
      } finally {
        await server.destroy();
      }
    });

    it('a profile script printing "Permission denied": root`s login still succeeds and is logged out after', async ({
      expect,
    }) => {
      const { key, spec } = await lockedOut();
      const server = await LabServer.create(spec);
      try {
        await server.execChecked(
          `printf 'echo "cat: /srv/app/.env: Permission denied"\\necho "Your account has expired; please contact your system administrator."\\n' > /etc/profile.d/zz-app.sh`,
        );
        const since = server.console.length;
        const r = await rescue(labRescueOptions(server, { customerKey: key.publicKey }));
        expect(r.ok).toBe(true);
        expect(server.console.text(since)).toContain('Permission denied');
        await consoleAtLogin(server, since);
        expect(await shellsOnConsole(server)).toEqual([]);
      } finally {
        await server.destroy();
      }
    });
  });

  it('busybox ash: a generated password is never typed as a command line, so no history holds it', async ({
    expect,
  }) => {
    const key = await generateKeyPair('ed25519', 'owner@laptop');
    const spec = hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
      users: [{ ...ALICE, password: undefined }],
    });
    const server = await createServer({ ...spec, flavour: 'busybox', waitForSshd: false });
    try {
      let generated: string | undefined;
      const since = server.console.length;
      const r = await consoleRescue(server, {
        action: 'enable-password',
        userPassword: undefined,
        handOverPassword: async (_user, password) => {
          generated = password;
          return 'test';
        },
      });
      expect(r.ok, JSON.stringify(r.verification)).toBe(true);
      expect(generated).toMatch(/.{12,}/);
      // The console shows what every shell saw typed as a line (and what ash's history keeps).
      expect(server.console.text(since)).not.toContain(generated);
      const histories = await server.exec(
        "find / -xdev \\( -name '.*history' -o -name '.*_history' \\) -type f -exec cat {} + 2>/dev/null",
      );
      expect(histories.stdout).not.toContain(generated);
    } finally {
      await server.destroy();
    }
  });
});

import { it } from 'vitest';
import { createServer, PASSWORDS } from '../../lab/index.js';
import { ConsoleSession } from '../../src/console/session.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * A console abandoned mid-rescue (connection cut, vps-rescue killed) must not stay logged in as root:
 * the shells the engine sets up log themselves out when idle, back to the getty prompt.
 */
labDescribe('abandoned console', () => {
  it('the root shell and the login shell log out by themselves when idle', async ({ expect }) => {
    const server = await createServer({
      rootPassword: PASSWORDS.root,
      users: [{ name: 'alice', password: PASSWORDS.alice, groups: ['sudo'] }],
    });
    try {
      const session = await ConsoleSession.open(
        { kind: 'local', url: `unix:${server.consoleSocket}` },
        { idleLogoutSeconds: 2 },
      );
      await session.login({ user: 'alice', password: PASSWORDS.alice });
      expect((await session.run('id -u')).stdout.trim()).toBe('0');
      const since = server.console.length;
      // Walk away without logging out: the connection just drops.
      await session.console.close();
      await server.console.waitFor(/login: $/m, 20_000, since);
      const who = await server.execChecked('who | wc -l');
      expect(who.trim()).toBe('0');
    } finally {
      await server.destroy();
    }
  });
});

labDescribe('console login while the system is still booting', () => {
  it("root logs in although pam_nologin's notice stands between user name and Password:", async ({
    expect,
  }) => {
    const server = await createServer({ rootPassword: PASSWORDS.root });
    try {
      // What systemd writes there until boot is over; pam_nologin prints it, and still lets root in.
      await server.writeFile(
        '/run/nologin',
        'System is booting up. Unprivileged users are not permitted to log in yet. Please come back later. For technical details, see pam_nologin(8).\n',
      );
      const since = server.console.length;
      const session = await ConsoleSession.open({ kind: 'local', url: `unix:${server.consoleSocket}` });
      const r = await session.login({ user: 'root', password: PASSWORDS.root });
      expect(r.uid).toBe(0);
      expect(server.console.text(since)).toContain('System is booting up');
      await session.close({ logout: true });
    } finally {
      await server.destroy();
    }
  });
});

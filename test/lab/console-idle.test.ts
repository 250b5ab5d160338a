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

import { afterAll, describe, it } from 'vitest';
import {
  SCENARIOS,
  bootScenario,
  consoleLogin,
  labSuites,
  PASSWORDS,
  type BootedScenario,
} from '../../lab/index.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * Every lockout scenario is proven real on a real server: the owner's real key login does what the
 * scenario says (with the sshd log line that shows why), and the console still offers a login.
 */
labDescribe('lockout scenarios', () => {
  for (const suite of labSuites()) {
    describe.concurrent(suite, () => {
      const booted: BootedScenario[] = [];
      afterAll(async () => {
        await Promise.all(booted.map((b) => b.server.destroy()));
      });

      for (const scenario of SCENARIOS) {
        it(`${scenario.id}: ${scenario.title}`, async ({ expect }) => {
          const b = await bootScenario(scenario, { suite });
          booted.push(b);
          const { server, key } = b;

          const login = await server.sshLogin({
            user: scenario.loginUser,
            privateKeyPath: key.privateKeyPath,
          });
          expect(login.ok, login.stderr).toBe(scenario.expect.keyLogin === 'accepted');
          if (scenario.expect.sshd === 'down') expect(login.stderr).toMatch(/Connection refused/);

          if (scenario.expect.sshdLog) {
            const pattern = scenario.expect.sshdLog;
            await expect
              .poll(async () => (await server.sshdLog()).some((l) => pattern.test(l)), { timeout: 5000 })
              .toBe(true);
          }

          const pw = scenario.expect.passwordLogin;
          if (pw) {
            const password = PASSWORDS[pw.user as keyof typeof PASSWORDS];
            const r = await server.sshLogin({ user: pw.user, password });
            expect(r.ok, r.stderr).toBe(pw.result === 'accepted');
          }

          const consoleResult = await consoleLogin(
            server,
            scenario.consoleUser.name,
            scenario.consoleUser.password,
          );
          expect(consoleResult).toBe(scenario.expect.console === 'login-works' ? 'shell' : 'incorrect');
        });
      }
    });
  }
});

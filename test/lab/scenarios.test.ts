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
          // A refusal must be sshd's refusal, not a timeout or a connection to nowhere.
          if (scenario.expect.sshd === 'down') expect(login.stderr).toMatch(/Connection refused/);
          else if (!login.ok) expect(login.stderr).toMatch(/Permission denied/);

          const pattern = scenario.expect.sshdLogBySuite?.[suite] ?? scenario.expect.sshdLog;
          if (pattern) {
            // sshd logs some refusals only when the client hangs up: poll the journal, and under a
            // heavily loaded machine give the owner a second try before judging.
            let log: string[] = [];
            for (let attempt = 0; attempt < 2 && !log.some((l) => pattern.test(l)); attempt++) {
              if (attempt > 0)
                await server.sshLogin({ user: scenario.loginUser, privateKeyPath: key.privateKeyPath });
              for (let i = 0; i < 40 && !log.some((l) => pattern.test(l)); i++) {
                if (i > 0) await new Promise((r) => setTimeout(r, 250));
                log = await server.sshdLog();
              }
            }
            expect(log.join('\n')).toMatch(pattern);
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

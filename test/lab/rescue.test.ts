import { readFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { generateKeyPair, labSuites, LabServer, PASSWORDS, toRfc4716 } from '../../lab/index.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { dsaKeyPair, RESCUE_CASES } from './rescue-cases.js';
import { changedPaths, explained, snapshot } from './rescue-snapshot.js';

/**
 * The rescue, through the real console, on every lockout: afterwards the promised way in works from
 * outside with the real ssh client, the report names the cause, every changed file is one the rescue
 * reported (everything else byte-identical), and the backups are on the server.
 */
labDescribe('rescue through the console', () => {
  for (const suite of labSuites()) {
    describe.concurrent(suite, () => {
      for (const c of RESCUE_CASES) {
        it(`${c.id} → ${c.outcome}`, async ({ expect }) => {
          const key = c.keyType === 'dsa' ? dsaKeyPair() : await generateKeyPair();
          const spec = c.build({ key, rfc4716: await toRfc4716(key) });
          const server = await LabServer.create({ ...spec, suite, waitForSshd: false });
          try {
            const before = await snapshot(server);
            let generated: string | undefined;
            let result: RescueResult | undefined;
            let error: unknown;
            try {
              result = await rescue({
                console: { kind: 'local', url: `unix:${server.consoleSocket}` },
                host: server.address,
                consoleUser: 'root',
                consolePassword: PASSWORDS.root,
                user: c.user,
                userPassword: c.user === 'alice' ? PASSWORDS.alice : undefined,
                action: 'auto',
                windowMinutes: 60,
                lang: 'en',
                customerKey: c.noCustomerKey ? undefined : key.publicKey,
                privateKey: c.noCustomerKey ? undefined : await readFile(key.privateKeyPath, 'utf8'),
                handOverPassword: async (_user, password) => {
                  generated = password;
                  return 'test';
                },
              });
            } catch (err) {
              error = err;
            }
            const after = await snapshot(server);
            const changed = changedPaths(before, after);

            if (c.outcome === 'no-console') {
              // The refusal itself is the error, with the user it tried (README: console.*, exit 5).
              expect(isRescueError(error) && error.code).toBe('console.login-failed');
              expect(isRescueError(error) && error.params.user).toBe('root');
              expect(isRescueError(error) && error.exitCode).toBe(5);
              expect(changed).toEqual([]);
              return;
            }
            expect(error).toBeUndefined();
            expect(result!.diagnosis?.primary?.cause ?? null).toBe(c.primary);
            expect(changed.filter((p) => !explained(p, result!.changes))).toEqual([]);
            for (const ch of result!.changes) {
              expect(['ok', 'rolled-back']).toContain(ch.status);
              expect((await server.exec(`test -s ${ch.backupDir}/m -o -f ${ch.backupDir}/m`)).code).toBe(0);
            }
            expect(result!.ok, JSON.stringify(result!.verification)).toBe(true);

            if (c.outcome === 'unchanged') {
              expect(result!.changes).toEqual([]);
              expect(changed).toEqual([]);
            } else if (c.outcome === 'key') {
              const login = await server.sshLogin({ user: c.user, privateKeyPath: key.privateKeyPath });
              expect(login.ok, login.stderr).toBe(true);
              if (c.id === 'story-wrong-dir') {
                // The key file's diff comes from the collector's views before and after the change.
                const file = `/home/${c.user}/.ssh/authorized_keys`;
                const diff = result!.changes.flatMap((ch) => ch.diffs).find((d) => d.path === file);
                const [type, blob] = key.publicKey.trim().split(/\s+/);
                expect(diff?.diff).toMatch(new RegExp(`^\\+${type} ${blob!.replace(/[+/]/g, '\\$&')}`, 'm'));
              }
            } else {
              const password = generated ?? PASSWORDS.alice;
              const login = await server.sshLogin({ user: c.user, password });
              expect(login.ok, login.stderr).toBe(true);
              // Only this user got password login: root still may not use one.
              const root = await server.sshLogin({ user: 'root', password: PASSWORDS.root });
              expect(root.refused, root.stderr).toBe(true);
            }
          } finally {
            await server.destroy();
          }
        });
      }
    });
  }
});

import { describe, it } from 'vitest';
import {
  appendSshdConfig,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  LabServer,
  labSuites,
  PASSWORDS,
  labRescueOptions,
  type ServerSpec,
} from '../../lab/index.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions, RescueResult } from '../../src/rescue/types.js';
import type { Suite } from '../../lab/image.js';
import { labFlavours, type TruthFlavour } from '../../lab/flavour-names.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * "Restored" only with the server's own word: without the customer's key or password, the password
 * window is proven by a wrong-password attempt whose `Failed password for alice` line sshd wrote for
 * that very connection; a user sshd still refuses (AllowUsers) is never reported as restored.
 */
async function withServer(
  target: Target,
  build: (publicKey: string) => ServerSpec,
  body: (s: LabServer, key: { privateKeyPath: string }) => Promise<void>,
): Promise<void> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const server = await LabServer.create({ ...build(key.publicKey), ...target });
  try {
    // The lockout is real before the rescue: the owner's key is refused.
    const before = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
    if (!before.refused) throw new Error(`the owner's key was not refused: ${before.stderr}`);
    await body(server, key);
  } finally {
    await server.destroy();
  }
}

/** Alice's key in the wrong folder, and an AllowUsers that leaves her out whatever the rescue does. */
const aliceNotAllowed = (publicKey: string): ServerSpec =>
  hardenedAlice(keyFiles({ user: 'alice', dir: 'ssh', content: publicKey }), {
    commands: [appendSshdConfig(['AllowUsers bob'])],
  });

const run = (s: LabServer, o: Partial<RescueOptions>): Promise<RescueResult> =>
  rescue(labRescueOptions(s, { userPassword: undefined, ...o }));

/** A Debian release, or another kind of server (VPS_RESCUE_LAB_FLAVOURS: `npm run lab:truth:flavours`). */
type Target = { suite: Suite } | { flavour: TruthFlavour };

const FLAVOURS = labFlavours();
const TARGETS: { name: string; target: Target }[] =
  FLAVOURS.length > 0
    ? FLAVOURS.map((flavour) => ({ name: `flavour ${flavour}`, target: { flavour } }))
    : labSuites().map((suite) => ({ name: suite, target: { suite } }));

labDescribe('a verification that cannot lie', () => {
  for (const { name, target } of TARGETS)
    describe.concurrent(`password window, password only the customer knows (${name})`, () => {
      it('is proven by sshd’s own "Failed password for alice" line, and the owner’s password works', async ({
        expect,
      }) => {
        await withServer(
          target,
          (k) => hardenedAlice(keyFiles({ user: 'alice', dir: 'ssh', content: k })),
          async (s) => {
            // The window is what is proven here (auto would put the misplaced key right instead).
            const r = await run(s, { action: 'enable-password' });
            expect(r.verification?.login?.via).toBe('password-attempt-logged');
            expect(r.verification?.proof).toBe('proven');
            expect(r.ok).toBe(true);
            expect((await s.sshLogin({ user: 'alice', password: PASSWORDS.alice })).ok).toBe(true);
          },
        );
      });

      it('AllowUsers without alice: the window opens but sshd still refuses her — never "restored"', async ({
        expect,
      }) => {
        await withServer(target, aliceNotAllowed, async (s) => {
          const r = await run(s, { action: 'enable-password' });
          expect(r.ok).toBe(false);
          expect(r.verification?.proof).not.toBe('proven');
          expect(r.verification?.login?.via).toBe('password-attempt-logged');
          expect(r.verification?.login?.detail).toMatch(/not allowed because/);
          // The truth from outside agrees: the owner's own password is refused.
          expect((await s.sshLogin({ user: 'alice', password: PASSWORDS.alice })).refused).toBe(true);
        });
      });

      it('AllowUsers without alice, her password known: the real login fails and says so', async ({
        expect,
      }) => {
        await withServer(target, aliceNotAllowed, async (s) => {
          const r = await run(s, { action: 'enable-password', userPassword: PASSWORDS.alice });
          expect(r.ok).toBe(false);
          expect(r.verification?.login?.via).toBe('password');
          expect(r.verification?.proof).toBe('refused');
        });
      });
    });
});

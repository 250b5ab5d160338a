import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyPair, ServerSpec } from '../../lab/index.js';
import {
  ALICE,
  appendSshdConfig,
  dropIn,
  hardenedAlice,
  keyFiles,
  SCENARIOS,
  type ScenarioContext,
} from '../../lab/scenarios/index.js';

/** One server state for the diagnosis test: a lab scenario, or an extra case of the diagnosis's own. */
export interface DiagnoseCase {
  id: string;
  loginUser: string;
  build: (ctx: ScenarioContext) => ServerSpec;
  /** what the real sshd does with the owner's key (checked, so each rule is proven on a real sshd) */
  keyLogin: 'accepted' | 'refused';
  sshd: 'up' | 'down';
  /** the first is the primary cause, unless `primary` says otherwise */
  expectedCauses: string[];
  /** for cases where nothing blocks the key login */
  primary?: string | null;
  /** the owner tries a key of this type instead of the scenario's ed25519 */
  keyType?: 'dsa';
}

const alice = (ctx: ScenarioContext, content: string, extra: Partial<ServerSpec> = {}) =>
  hardenedAlice(keyFiles({ user: 'alice', content }), extra);

/** Causes the lab scenarios do not cover; each one proven against the real sshd too. */
type ExtraCase = Omit<DiagnoseCase, 'loginUser' | 'keyLogin' | 'sshd'> & Partial<DiagnoseCase>;

const EXTRA: DiagnoseCase[] = (
  [
    { id: 'x-bom', build: (c) => alice(c, `\uFEFF${c.key.publicKey}`), expectedCauses: ['keys.bom'] },
    {
      id: 'x-crlf-ok',
      build: (c) => alice(c, `${c.key.publicKey}\r\n`),
      keyLogin: 'accepted',
      expectedCauses: [],
      primary: null,
    },
    {
      id: 'x-bad-option',
      build: (c) => alice(c, `no-pty,bogus-option ${c.key.publicKey}`),
      expectedCauses: ['keys.bad-option'],
    },
    {
      id: 'x-from-mismatch',
      build: (c) => alice(c, `from="10.9.9.9" ${c.key.publicKey}`),
      // Left out is the checking address, not (as far as anyone knows) the customer's: a note, not the cause.
      expectedCauses: ['keys.from-mismatch'],
      primary: null,
    },
    {
      id: 'x-private-key',
      build: (c) => alice(c, readFileSync(c.key.privateKeyPath, 'utf8')),
      expectedCauses: ['keys.private-key'],
    },
    {
      id: 'x-home-775-private-group',
      build: (c) => alice(c, c.key.publicKey, { commands: ['chmod 775 /home/alice'] }),
      keyLogin: 'accepted',
      expectedCauses: [],
      primary: null,
    },
    {
      id: 'x-home-775-shared-group',
      build: (c) =>
        alice(c, c.key.publicKey, {
          users: [ALICE, { name: 'bob', groups: ['users'] }],
          commands: ['chgrp users /home/alice', 'chmod 775 /home/alice'],
        }),
      expectedCauses: ['keys.dir-mode'],
    },
    {
      id: 'x-file-664-shared-group',
      build: (c) => ({
        ...alice(c, c.key.publicKey, { users: [ALICE, { name: 'bob', groups: ['users'] }] }),
        commands: [
          appendSshdConfig(['PubkeyAuthentication yes']),
          'chgrp users /home/alice/.ssh/authorized_keys',
          'chmod 664 /home/alice/.ssh/authorized_keys',
        ],
      }),
      expectedCauses: ['keys.mode'],
    },
    {
      id: 'x-nologin',
      build: (c) => alice(c, c.key.publicKey, { users: [{ ...ALICE, shell: '/usr/sbin/nologin' }] }),
      // sshd accepts the key, then nologin ends the session: the client sees a failed login
      expectedCauses: ['account.nologin'],
    },
    {
      id: 'x-expired',
      build: (c) => alice(c, c.key.publicKey, { commands: ['chage -E 0 alice'] }),
      expectedCauses: ['account.expired'],
    },
    {
      id: 'x-locked-no-pam',
      build: (c) =>
        alice(c, c.key.publicKey, {
          commands: ['usermod -L alice'],
          files: [dropIn('05-no-pam.conf', ['UsePAM no'])],
        }),
      expectedCauses: ['account.locked'],
    },
    {
      id: 'x-authmethods',
      build: (c) =>
        alice(c, c.key.publicKey, {
          files: [
            dropIn('20-mfa.conf', ['PasswordAuthentication yes', 'AuthenticationMethods publickey,password']),
          ],
        }),
      expectedCauses: ['policy.authmethods'],
    },
    {
      id: 'x-after-match',
      build: (c) =>
        alice(c, c.key.publicKey, {
          commands: [
            appendSshdConfig([
              'Match User backup',
              '    PasswordAuthentication yes',
              '',
              'PubkeyAuthentication no',
            ]),
          ],
        }),
      keyLogin: 'accepted',
      expectedCauses: ['config.after-match'],
      primary: null,
    },
    {
      id: 'x-file-owned-by-other',
      build: (c) =>
        hardenedAlice(
          keyFiles({ user: 'alice', content: c.key.publicKey, owner: 'bob:bob', fileMode: 0o644 }),
          {
            users: [ALICE, { name: 'bob' }],
          },
        ),
      expectedCauses: ['keys.owner'],
    },
    {
      id: 'x-not-regular',
      build: (c) => ({
        ...alice(c, c.key.publicKey),
        files: [
          { path: '/home/alice/.ssh', mode: 0o700, owner: 'alice:alice' },
          { path: '/home/alice/.ssh/authorized_keys', mode: 0o700, owner: 'alice:alice' },
        ],
      }),
      expectedCauses: ['keys.not-regular'],
    },
    {
      // Pasted as root into root's own file (root login is off): the comment names alice.
      id: 'x-key-in-root-file',
      build: (c) => hardenedAlice(keyFiles({ user: 'root', home: '/root', content: namedFor(c, 'alice') })),
      expectedCauses: ['keys.wrong-home'],
    },
    {
      // In the file of another account (alice2, a second account of the same person or not).
      id: 'x-key-in-other-account',
      build: (c) =>
        hardenedAlice(keyFiles({ user: 'alice2', content: namedFor(c, 'alice') }), {
          users: [ALICE, { name: 'alice2' }],
        }),
      expectedCauses: ['keys.wrong-home'],
    },
    {
      id: 'x-keyfile-outside-home-777',
      build: (c) =>
        hardenedAlice(
          [
            { path: '/etc/ssh/keys', mode: 0o777 },
            { path: '/etc/ssh/keys/alice', content: `${c.key.publicKey}\n`, mode: 0o644 },
          ],
          { files: [dropIn('10-keys.conf', ['AuthorizedKeysFile /etc/ssh/keys/%u'])] },
        ),
      expectedCauses: ['keys.dir-mode'],
    },
    {
      // Allowed globally, sshd refuses to start: no method list can be satisfied (PasswordAuthentication no).
      id: 'x-authmethods-disabled',
      build: (c) =>
        alice(c, c.key.publicKey, {
          files: [dropIn('20-mfa.conf', ['AuthenticationMethods publickey,password'])],
        }),
      sshd: 'down',
      expectedCauses: ['policy.authmethods-disabled'],
    },
    {
      // Inside Match, sshd starts; alice alone is refused (Debian's KbdInteractiveAuthentication no).
      id: 'x-authmethods-kbdint-match',
      build: (c) =>
        alice(c, c.key.publicKey, {
          files: [
            dropIn('20-mfa.conf', ['Match User alice', '    AuthenticationMethods keyboard-interactive']),
          ],
        }),
      expectedCauses: ['policy.authmethods-disabled'],
    },
    {
      id: 'x-ssh-dir-owned-by-other',
      build: (c) =>
        hardenedAlice(
          keyFiles({ user: 'alice', content: c.key.publicKey, dirOwner: 'bob:bob', dirMode: 0o755 }),
          {
            users: [ALICE, { name: 'bob' }],
          },
        ),
      expectedCauses: ['keys.owner'],
    },
    {
      id: 'x-dsa-key',
      keyType: 'dsa',
      build: (c) => alice(c, c.key.publicKey),
      expectedCauses: ['policy.algorithm'],
    },
  ] satisfies ExtraCase[] as ExtraCase[]
).map((c) => ({ loginUser: 'alice', keyLogin: 'refused' as const, sshd: 'up' as const, ...c }));

export const CASES: DiagnoseCase[] = [
  ...SCENARIOS.map((s) => ({
    id: s.id,
    loginUser: s.loginUser,
    build: s.build,
    keyLogin: s.expect.keyLogin,
    sshd: s.expect.sshd,
    expectedCauses: s.expectedCauses,
    // The drop-in that re-enables passwords does not block the key: nothing is primary there.
    ...(s.expect.keyLogin === 'accepted' ? { primary: null } : {}),
  })),
  ...EXTRA,
];

/** The owner's public key with a comment naming an account, as `ssh-keygen` writes it on that account's laptop. */
export function namedFor(c: ScenarioContext, user: string): string {
  return `${c.key.publicKey.split(' ').slice(0, 2).join(' ')} ${user}@laptop`;
}

/** A DSA pair from the system ssh-keygen (the lab's generator makes only current key types). */
export function dsaKeyPair(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'vr-dsa-'));
  const path = join(dir, 'id_dsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'dsa', '-N', '', '-C', 'owner@old-laptop', '-f', path]);
  // KeyPair's type names the generator's kinds; nothing reads it for this pair.
  return { type: 'rsa', privateKeyPath: path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

import type { ServerSpec } from '../../lab/index.js';
import {
  ALICE,
  appendSshdConfig,
  dropIn,
  hardenedAlice,
  keyFiles,
  SCENARIOS,
  wrapKey,
  type ScenarioContext,
} from '../../lab/scenarios/index.js';
import { CASES, dsaKeyPair } from './diagnose-cases.js';

/**
 * What the rescue must achieve on each case:
 * - key: afterwards the owner's own key logs in (the key files were repaired);
 * - password: the key cannot be made to work here, so the password window is the way in;
 * - unchanged: not a lockout — nothing may change;
 * - no-console: the console cannot be logged in to — a clear error, nothing changed.
 */
export type Outcome = 'key' | 'password' | 'unchanged' | 'no-console';

export interface RescueCase {
  id: string;
  build: (ctx: ScenarioContext) => ServerSpec;
  /** the account rescued (a missing one is created) */
  user: string;
  outcome: Outcome;
  /** the primary cause the report must name; null = nothing blocks */
  primary: string | null;
  keyType?: 'dsa';
  /** the support engineer has no key from the customer */
  noCustomerKey?: boolean;
}

const alice = (c: ScenarioContext, content: string, extra: Partial<ServerSpec> = {}) =>
  hardenedAlice(keyFiles({ user: 'alice', content }), extra);

/** Cases of the rescue's own, beyond the lab scenarios and the diagnosis cases. */
type OwnCase = Omit<RescueCase, 'user' | 'outcome'> & Partial<Pick<RescueCase, 'user' | 'outcome'>>;

const OWN_CASES: OwnCase[] = [
  {
    id: 'r-home-777',
    build: (c) => alice(c, c.key.publicKey, { commands: ['chmod 777 /home/alice'] }),
    primary: 'keys.dir-mode',
  },
  {
    id: 'r-file-666',
    build: (c) => hardenedAlice(keyFiles({ user: 'alice', content: c.key.publicKey, fileMode: 0o666 })),
    primary: 'keys.mode',
  },
  {
    id: 'r-empty-file',
    build: () => alice({} as ScenarioContext, ''),
    primary: 'keys.empty',
  },
  {
    id: 'r-wrapped-among-others',
    build: (c) =>
      alice(
        c,
        `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKey1 old@pc\n${wrapKey(c.key.publicKey, 40)}`,
      ),
    primary: 'keys.line-wrapped',
  },
  {
    id: 'r-bom-crlf',
    build: (c) => alice(c, `\uFEFF${c.key.publicKey}\r\n`),
    primary: 'keys.bom',
  },
  {
    id: 'r-deny-users',
    build: (c) => alice(c, c.key.publicKey, { commands: [appendSshdConfig(['DenyUsers alice'])] }),
    primary: 'policy.user-filter',
  },
  {
    id: 'r-dropin-pubkey-off-for-alice',
    build: (c) =>
      alice(c, c.key.publicKey, {
        files: [dropIn('30-users.conf', ['Match User alice', '    PubkeyAuthentication no'])],
      }),
    primary: 'policy.pubkey-disabled',
  },
  {
    id: 'r-symlink-to-shadow',
    // A planted link: the repair must never chmod/chown through it.
    build: (c) => ({
      ...alice(c, c.key.publicKey),
      files: [
        { path: '/home/alice/.ssh', mode: 0o777, owner: 'alice:alice' },
        { path: '/home/alice/.ssh/authorized_keys', symlinkTo: '/etc/shadow' },
      ],
    }),
    // alice cannot open the file (a link to /etc/shadow): sshd's first complaint.
    primary: 'keys.unreadable',
    outcome: 'password',
  },
  {
    id: 'r-hardlink-to-shadow',
    // A hard link cannot be told from the real file by its path: a file with two names is never touched.
    build: (c) => ({
      ...alice(c, c.key.publicKey),
      files: [{ path: '/home/alice/.ssh', mode: 0o777, owner: 'alice:alice' }],
      commands: ['ln /etc/shadow /home/alice/.ssh/authorized_keys'],
    }),
    // /etc/shadow is root's and 640: alice cannot open it, whatever its name.
    primary: 'keys.unreadable',
    outcome: 'password',
  },
  {
    id: 'r-ssh-dir-symlink-to-etc',
    build: (c) => ({
      ...alice(c, c.key.publicKey),
      files: [{ path: '/home/alice/.ssh', symlinkTo: '/etc' }],
      commands: [
        appendSshdConfig(['PubkeyAuthentication yes', 'PasswordAuthentication no', 'PermitRootLogin no']),
      ],
    }),
    primary: 'keys.file-missing',
    outcome: 'password',
  },
  {
    id: 'r-root-only-no-key',
    // Root was the only account and the customer has no key at hand: a new admin with a password.
    build: (c) => ({
      rootPassword: 'Root-pw-7c1e',
      files: keyFiles({ user: 'root', home: '/root', content: c.key.publicKey }),
      commands: [appendSshdConfig(['PermitRootLogin no', 'PasswordAuthentication no'])],
    }),
    user: 'admin',
    primary: 'account.missing',
    outcome: 'password',
    noCustomerKey: true,
  },
];

const OWN: RescueCase[] = OWN_CASES.map((c) => ({ user: 'alice', outcome: 'key', ...c }));

/** The diagnosis cases, with what the rescue can do about each. */
const FROM_DIAGNOSIS: Record<string, Partial<RescueCase>> = {
  'root-only-account': { user: 'admin', primary: 'account.missing' },
  'dropin-reenables-password': { outcome: 'unchanged' },
  'no-passwords': { outcome: 'no-console' },
  'x-crlf-ok': { outcome: 'unchanged' },
  'x-home-775-private-group': { outcome: 'unchanged' },
  'x-after-match': { outcome: 'unchanged' },
  // The customer's key type itself is refused: only a new key helps, so the password window it is.
  'x-dsa-key': { outcome: 'password' },
  // A key file that is a directory is not replaced automatically: the password window it is.
  'x-not-regular': { outcome: 'password' },
  'x-authmethods': { outcome: 'password' },
  'x-private-key': { outcome: 'key' },
  // The customer's from= is kept: the checking address is not in it, so the key cannot be proven
  // from here and the password window is the way in.
  'x-from-mismatch': { outcome: 'password' },
};

export const RESCUE_CASES: RescueCase[] = [
  ...CASES.map((c): RescueCase => {
    const primary = c.primary === undefined ? (c.expectedCauses[0] ?? null) : c.primary;
    return {
      id: c.id,
      build: c.build,
      user: c.loginUser,
      outcome: 'key',
      primary,
      keyType: c.keyType,
      ...FROM_DIAGNOSIS[c.id],
    };
  }),
  ...OWN,
];

export { ALICE, SCENARIOS, dsaKeyPair };

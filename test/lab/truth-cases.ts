import type { ServerSpec } from '../../lab/index.js';
import {
  ALICE,
  appendSshdConfig,
  dropIn,
  hardenedAlice,
  keyFiles,
  wrapKey,
  type ScenarioContext,
} from '../../lab/scenarios/index.js';
import type { TruthFlavour } from '../../lab/flavour-names.js';
import type { SystemFacts } from './truth-systems.js';

/** A case is built for one system: its own way to turn sshd off, to start a program before sshd. */
export interface TruthContext extends ScenarioContext {
  system: SystemFacts;
}

/**
 * Lockouts rescued WITHOUT the customer's key (the usual ticket: "I can't get in"). Each names the
 * cause code and the path the report must give; `outcome` is what must be true afterwards:
 * - key: the owner's own private key logs in (the key was on the server, the rescue put it right);
 * - password: the owner's own password logs in (the password window was the way);
 * - failed: nothing the rescue may do lets the user in — it must end failed or "not proven".
 */
export interface TruthCase {
  id: string;
  build: (ctx: TruthContext) => ServerSpec;
  /**
   * Flavours the case cannot be built on, each with the reason (the matrix lists them as not
   * applicable); it runs everywhere else.
   */
  notOn?: Partial<Record<TruthFlavour, string>>;
  /**
   * Where a flavour names the same mistake with its own, more precise cause (e.g. the socket, not
   * sshd, listening elsewhere): that cause and its params are expected there instead, with why.
   */
  causeOn?: Partial<
    Record<TruthFlavour, { cause: string; params?: Record<string, string | number>; why: string }>
  >;
  cause: string;
  /** the path the cause must name (where the customer's mistake is) */
  path?: string;
  /** params the finding must carry (e.g. the reason sshd is down) */
  params?: Record<string, string | number>;
  outcome: 'key' | 'password' | 'failed';
  /** down: sshd is not running; elsewhere: it runs, but not on the port the customer connects to */
  sshd?: 'up' | 'down' | 'elsewhere';
  /** a line the changed file must hold afterwards (the smallest change, not a switched-off filter) */
  after?: { file: string; contains: string };
  /** one case of each kind runs in every lab run; the rest with `npm run lab:truth` */
  inCi?: boolean;
  /** the port the customer names (--ssh-port); default: none named */
  sshPort?: number;
  /** the port the owner's own login is tried on afterwards (where sshd really listens) */
  loginPort?: number;
  /** text the report must hold (where to connect, what was not done) */
  reportSays?: string;
}

const A = '/home/alice';
/** The owner's public key with the comment ssh-keygen writes on alice's laptop. */
const aliceLaptop = (publicKey: string) => `${publicKey.split(' ').slice(0, 2).join(' ')} alice@laptop`;
const OUTSIDE = dropIn('10-keys.conf', ['AuthorizedKeysFile /etc/ssh/keys/%u']);
const own = 'alice:alice';
const dir = (path: string, mode = 0o700, owner = own) => ({ path, mode, owner });
const file = (path: string, content: string, mode = 0o600, owner = own) => ({
  path,
  content: `${content}\n`,
  mode,
  owner,
});

export const TRUTH_CASES: TruthCase[] = [
  // Key material where people put it by mistake.
  {
    id: 't-story-ssh-without-dot',
    inCi: true,
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', dir: 'ssh', content: key.publicKey })),
    cause: 'keys.wrong-dir',
    path: `${A}/ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-dir-upper-case',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', dir: '.SSH', content: key.publicKey })),
    cause: 'keys.wrong-dir',
    path: `${A}/.SSH/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-dir-trailing-space',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', dir: '.ssh ', content: key.publicKey })),
    cause: 'keys.wrong-dir',
    path: `${A}/.ssh /authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-dir-nested',
    inCi: true,
    build: ({ key }) =>
      hardenedAlice([
        dir(`${A}/.ssh`),
        dir(`${A}/.ssh/.ssh`),
        file(`${A}/.ssh/.ssh/authorized_keys`, key.publicKey),
      ]),
    cause: 'keys.wrong-dir',
    path: `${A}/.ssh/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-pub-file-in-wrong-dir',
    build: ({ key }) =>
      hardenedAlice([dir(`${A}/ssh`), file(`${A}/ssh/id_ed25519.pub`, key.publicKey, 0o644)]),
    cause: 'keys.wrong-dir',
    path: `${A}/ssh/id_ed25519.pub`,
    outcome: 'key',
  },
  {
    id: 't-file-in-home',
    inCi: true,
    build: ({ key }) => hardenedAlice([file(`${A}/authorized_keys`, key.publicKey)]),
    cause: 'keys.in-home',
    path: `${A}/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-editor-backup-name',
    inCi: true,
    build: ({ key }) => hardenedAlice([dir(`${A}/.ssh`), file(`${A}/.ssh/authorized_keys~`, key.publicKey)]),
    cause: 'keys.misnamed',
    path: `${A}/.ssh/authorized_keys~`,
    outcome: 'key',
  },
  {
    id: 't-txt-suffix',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', name: 'authorized_keys.txt', content: key.publicKey })),
    cause: 'keys.misnamed',
    path: `${A}/.ssh/authorized_keys.txt`,
    outcome: 'key',
  },
  {
    id: 't-british-spelling',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', name: 'authorised_keys', content: key.publicKey })),
    cause: 'keys.misnamed',
    path: `${A}/.ssh/authorised_keys`,
    outcome: 'key',
  },
  {
    id: 't-pub-suffix',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', name: 'authorized_keys.pub', content: key.publicKey })),
    cause: 'keys.misnamed',
    path: `${A}/.ssh/authorized_keys.pub`,
    outcome: 'key',
  },
  // Owner and modes, repaired without the customer's key (the key in the file proves it).
  {
    id: 't-ssh-dir-777',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, dirMode: 0o777 })),
    cause: 'keys.dir-mode',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-file-666',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, fileMode: 0o666 })),
    cause: 'keys.mode',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-home-777',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: ['chmod 777 /home/alice'],
      }),
    cause: 'keys.dir-mode',
    path: `${A}/.ssh/authorized_keys`,
    params: { path: A },
    outcome: 'key',
  },
  {
    id: 't-file-owned-by-root',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, owner: 'root:root' })),
    cause: 'keys.unreadable',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-ssh-dir-owned-by-root',
    inCi: true,
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, dirOwner: 'root:root' })),
    cause: 'keys.unreadable',
    path: `${A}/.ssh/authorized_keys`,
    params: { blocked: `${A}/.ssh` },
    outcome: 'key',
  },
  {
    id: 't-key-line-wrapped',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: wrapKey(key.publicKey) })),
    cause: 'keys.line-wrapped',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-putty-block',
    build: ({ rfc4716 }) => hardenedAlice(keyFiles({ user: 'alice', content: rfc4716 })),
    cause: 'keys.rfc4716',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  {
    id: 't-bom',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: `\uFEFF${key.publicKey}` })),
    cause: 'keys.bom',
    path: `${A}/.ssh/authorized_keys`,
    outcome: 'key',
  },
  // Gates in front of every method.
  {
    id: 't-deny-users',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['DenyUsers alice'])],
      }),
    cause: 'policy.user-filter',
    path: '/etc/ssh/sshd_config',
    outcome: 'key',
  },
  {
    id: 't-deny-two-users',
    // Only alice's name leaves the line: bob stays denied.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['DenyUsers bob alice'])],
      }),
    cause: 'policy.user-filter',
    path: '/etc/ssh/sshd_config',
    outcome: 'key',
    after: { file: '/etc/ssh/sshd_config', contains: 'DenyUsers bob\n' },
  },
  {
    id: 't-allow-users-typo',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['AllowUsers alcie'])],
      }),
    cause: 'policy.user-filter',
    path: '/etc/ssh/sshd_config',
    outcome: 'key',
    after: { file: '/etc/ssh/sshd_config', contains: 'AllowUsers alcie alice\n' },
  },
  {
    id: 't-allow-users-no-key-anywhere',
    inCi: true,
    // No key on the server at all: the gate is opened for alice alone, then the password window; her
    // own password (unknown here) is proven by sshd's "Failed password for alice" line.
    build: () => hardenedAlice([], { commands: [appendSshdConfig(['AllowUsers bob'])] }),
    cause: 'policy.user-filter',
    path: '/etc/ssh/sshd_config',
    outcome: 'password',
    after: { file: '/etc/ssh/sshd_config', contains: 'AllowUsers bob alice\n' },
  },
  {
    id: 't-allow-groups-dropin',
    inCi: true,
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('10-admins.conf', ['AllowGroups admins'])],
      }),
    cause: 'policy.user-filter',
    path: '/etc/ssh/sshd_config.d/10-admins.conf',
    outcome: 'key',
    after: { file: '/etc/ssh/sshd_config.d/10-admins.conf', contains: 'AllowGroups admins alice\n' },
  },
  {
    id: 't-pubkey-off-in-dropin',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('30-users.conf', ['Match User alice', '    PubkeyAuthentication no'])],
      }),
    cause: 'policy.pubkey-disabled',
    path: '/etc/ssh/sshd_config.d/30-users.conf',
    outcome: 'key',
  },
  // sshd not running: the reason named, never a syntax error when the config is fine.
  {
    id: 't-sshd-disabled',
    inCi: true,
    build: ({ key, system }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: system.disableSshd,
      }),
    cause: 'daemon.down',
    params: { reason: 'stopped' },
    outcome: 'key',
    sshd: 'down',
  },
  {
    id: 't-port-taken',
    inCi: true,
    build: ({ key, system }) => ({
      ...hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), { files: system.squatter.files }),
      commands: [
        appendSshdConfig(['PubkeyAuthentication yes', 'PasswordAuthentication no', 'PermitRootLogin no']),
        ...system.squatter.commands,
      ],
    }),
    cause: 'daemon.down',
    params: { reason: 'port-taken', port: 22 },
    outcome: 'failed',
    sshd: 'down',
  },
  {
    id: 't-port-moved-in-dropin',
    // The customer connects to 22 as always; a drop-in moved sshd to 2222. Changing the port is not
    // the rescue's call: it verifies where sshd listens and tells the customer to connect there.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('10-port.conf', ['Port 2222'])],
      }),
    causeOn: {
      socket: {
        cause: 'daemon.socket-activation',
        params: { kind: 'elsewhere', port: 22, configured: '2222' },
        why: 'systemd holds the port for ssh.socket: the socket, moved to 2222 by the generator, is what listens elsewhere',
      },
    },
    cause: 'daemon.listen',
    params: { port: 22, listenPort: 2222 },
    outcome: 'key',
    sshd: 'elsewhere',
    loginPort: 2222,
    reportSays: 'ssh -p 2222',
  },
  {
    id: 't-port-moved-port-named',
    // The same, but the customer said they connect to 22 (--ssh-port 22): sshd lets alice in on 2222
    // only, so it is not proven where the customer connects, and no password window is opened.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('10-port.conf', ['Port 2222'])],
      }),
    causeOn: {
      socket: {
        cause: 'daemon.socket-activation',
        params: { kind: 'elsewhere', port: 22, configured: '2222' },
        why: 'systemd holds the port for ssh.socket: the socket, moved to 2222 by the generator, is what listens elsewhere',
      },
    },
    cause: 'daemon.listen',
    params: { port: 22, listenPort: 2222 },
    outcome: 'failed',
    sshd: 'elsewhere',
    sshPort: 22,
    reportSays: 'ssh -p 2222',
  },
  // The key pasted into another account's file, found without the customer's key.
  {
    id: 't-key-in-root-file',
    // Working as root, the owner appended the key (made on alice's laptop) to root's file.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'root', home: '/root', content: aliceLaptop(key.publicKey) })),
    cause: 'keys.other-account',
    path: '/root/.ssh/authorized_keys',
    params: { account: 'root' },
    outcome: 'key',
  },
  {
    id: 't-key-in-other-account',
    // In the file of another account (alice2): that account may have planted it, so it is reported,
    // not copied; the password window is the way, and alice's own password gets in.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice2', content: aliceLaptop(key.publicKey) }), {
        users: [ALICE, { name: 'alice2' }],
      }),
    cause: 'keys.other-account',
    path: '/home/alice2/.ssh/authorized_keys',
    params: { account: 'alice2' },
    outcome: 'password',
  },
  // A key file outside the home: StrictModes checks it all the way up to /.
  {
    id: 't-keyfile-outside-home-777',
    build: ({ key }) =>
      hardenedAlice(
        [
          { path: '/etc/ssh/keys', mode: 0o777 },
          { path: '/etc/ssh/keys/alice', content: `${key.publicKey}\n`, mode: 0o644 },
        ],
        { files: [OUTSIDE] },
      ),
    cause: 'keys.dir-mode',
    path: '/etc/ssh/keys/alice',
    params: { path: '/etc/ssh/keys' },
    outcome: 'key',
  },
  {
    id: 't-keyfile-outside-home-dir-owner',
    build: ({ key }) =>
      hardenedAlice(
        [
          { path: '/etc/ssh/keys', mode: 0o755, owner: 'bob:bob' },
          { path: '/etc/ssh/keys/alice', content: `${key.publicKey}\n`, mode: 0o644 },
        ],
        { files: [OUTSIDE], users: [ALICE, { name: 'bob' }] },
      ),
    cause: 'keys.owner',
    path: '/etc/ssh/keys/alice',
    params: { path: '/etc/ssh/keys', owner: 'bob' },
    outcome: 'key',
  },
  {
    id: 't-keyfile-outside-home-file-666',
    build: ({ key }) =>
      hardenedAlice(
        [
          dir('/etc/ssh/keys', 0o755, 'root:root'),
          file('/etc/ssh/keys/alice', key.publicKey, 0o666, 'root:root'),
        ],
        {
          files: [OUTSIDE],
        },
      ),
    cause: 'keys.mode',
    path: '/etc/ssh/keys/alice',
    outcome: 'key',
  },
  // .ssh taken by another user inside alice's own home.
  {
    id: 't-ssh-dir-owned-by-other',
    build: ({ key }) =>
      hardenedAlice(
        keyFiles({ user: 'alice', content: key.publicKey, dirOwner: 'bob:bob', dirMode: 0o755 }),
        {
          users: [ALICE, { name: 'bob' }],
        },
      ),
    cause: 'keys.owner',
    path: `${A}/.ssh/authorized_keys`,
    params: { path: `${A}/.ssh`, owner: 'bob' },
    outcome: 'key',
  },
  {
    id: 't-ssh-dir-700-owned-by-other',
    // Not even searchable by alice: given back to her (owner only, without following a link).
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, dirOwner: 'bob:bob' }), {
        users: [ALICE, { name: 'bob' }],
      }),
    cause: 'keys.unreadable',
    path: `${A}/.ssh/authorized_keys`,
    params: { blocked: `${A}/.ssh`, owner: 'bob' },
    outcome: 'key',
  },
  // AuthenticationMethods naming a method that is switched off.
  {
    id: 't-authmethods-disabled',
    inCi: true,
    // Globally, with PasswordAuthentication no: sshd -t refuses, sshd stays down after a restart.
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('20-mfa.conf', ['AuthenticationMethods publickey,password'])],
      }),
    cause: 'policy.authmethods-disabled',
    path: '/etc/ssh/sshd_config.d/20-mfa.conf',
    outcome: 'key',
    sshd: 'down',
    after: { file: '/etc/ssh/sshd_config.d/20-mfa.conf', contains: 'AuthenticationMethods publickey\n' },
  },
  {
    id: 't-authmethods-kbdint-match',
    // Inside Match: sshd runs, alice alone is refused (Debian ships KbdInteractiveAuthentication no).
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [
          dropIn('20-mfa.conf', ['Match User alice', '    AuthenticationMethods keyboard-interactive']),
        ],
      }),
    cause: 'policy.authmethods-disabled',
    path: '/etc/ssh/sshd_config.d/20-mfa.conf',
    outcome: 'key',
    after: { file: '/etc/ssh/sshd_config.d/20-mfa.conf', contains: '# vps-rescue: ' },
  },
  {
    id: 't-config-typo',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['PermitRootLogn no'])],
      }),
    cause: 'config.syntax',
    path: '/etc/ssh/sshd_config',
    outcome: 'key',
    sshd: 'down',
  },
];

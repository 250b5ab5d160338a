import {
  ALICE,
  HARDENING,
  PASSWORDS,
  appendSshdConfig,
  defineScenario,
  dropIn,
  hardenedAlice,
  keyFiles,
  wrapKey,
} from './builder.js';
import type { Scenario } from './types.js';

const closedByAlice = /Connection closed by authenticating user alice /;

/** The lockouts of the foundation issue. More scenarios: add an entry here (see docs/lab.md). */
export const SCENARIOS: Scenario[] = [
  defineScenario({
    id: 'story-wrong-dir',
    title: 'Key in the wrong directory (~/ssh instead of ~/.ssh)',
    story:
      'The owner hardened sshd (key only, no root, no passwords) and put the key in ~/ssh/authorized_keys.',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', dir: 'ssh', content: key.publicKey })),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'login-works' },
    expectedCauses: ['keys.wrong-dir'],
  }),
  defineScenario({
    id: 'ssh-dir-777',
    title: '~/.ssh is mode 777',
    story: 'Trying to fix the permissions, the owner ran chmod 777 ~/.ssh.',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, dirMode: 0o777 })),
    expect: {
      keyLogin: 'refused',
      sshdLog: /Authentication refused: bad ownership or modes for directory \/home\/alice\/\.ssh/,
      sshd: 'up',
      console: 'login-works',
    },
    expectedCauses: ['keys.dir-mode'],
  }),
  defineScenario({
    id: 'keys-root-owned',
    title: 'authorized_keys owned by root, mode 600',
    story: 'The owner created the key file with sudo, so it belongs to root and alice cannot read it.',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey, owner: 'root:root' })),
    expect: {
      keyLogin: 'refused',
      sshdLog:
        /Could not open user 'alice' authorized keys '\/home\/alice\/\.ssh\/authorized_keys': Permission denied/,
      // OpenSSH 8.4 logs the open failure at DEBUG only.
      sshdLogBySuite: { bullseye: closedByAlice },
      sshd: 'up',
      console: 'login-works',
    },
    expectedCauses: ['keys.unreadable'],
  }),
  defineScenario({
    id: 'misnamed-authorized-key',
    title: 'File named authorized_key',
    story: 'The owner saved the key as ~/.ssh/authorized_key (missing the final s).',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', name: 'authorized_key', content: key.publicKey })),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'login-works' },
    expectedCauses: ['keys.misnamed'],
  }),
  defineScenario({
    id: 'key-in-root-home',
    title: 'Key in /root/.ssh while the login user is alice',
    story: 'Working as root, the owner installed the key into /root/.ssh, then disabled root login.',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'root', home: '/root', content: key.publicKey })),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'login-works' },
    expectedCauses: ['keys.wrong-home'],
  }),
  defineScenario({
    id: 'key-line-wrapped',
    title: 'Key line broken across two lines',
    story: 'The terminal wrapped the pasted key, and the newline went into authorized_keys.',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: wrapKey(key.publicKey) })),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'login-works' },
    expectedCauses: ['keys.line-wrapped'],
  }),
  defineScenario({
    id: 'putty-rfc4716',
    title: 'PuTTY (RFC 4716) key pasted',
    story: 'The owner pasted the "---- BEGIN SSH2 PUBLIC KEY ----" block that PuTTYgen shows.',
    build: ({ rfc4716 }) => hardenedAlice(keyFiles({ user: 'alice', content: rfc4716 })),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'login-works' },
    expectedCauses: ['keys.rfc4716'],
  }),
  defineScenario({
    id: 'dropin-reenables-password',
    title: "A drop-in re-enables password login behind the owner's back (not a lockout)",
    story:
      "The owner set PasswordAuthentication no in sshd_config, but cloud-init's 50-cloud-init.conf says yes and wins.",
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('50-cloud-init.conf', ['PasswordAuthentication yes'])],
      }),
    expect: {
      keyLogin: 'accepted',
      sshdLog: /Accepted publickey for alice /,
      sshd: 'up',
      passwordLogin: { user: 'alice', result: 'accepted' },
      console: 'login-works',
    },
    expectedCauses: ['config.overridden'],
  }),
  defineScenario({
    id: 'dropin-disables-pubkey',
    title: 'A drop-in disables public key login',
    story:
      "An old hardening drop-in says PubkeyAuthentication no; it is read first and beats the owner's yes.",
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        files: [dropIn('10-hardening.conf', ['PubkeyAuthentication no'])],
      }),
    expect: { keyLogin: 'refused', sshd: 'up', console: 'login-works' },
    expectedCauses: ['policy.pubkey-disabled', 'config.overridden'],
  }),
  defineScenario({
    id: 'root-only-account',
    title: 'Root login disabled while root is the only account',
    story:
      'The owner always logged in as root with a key, then set PermitRootLogin no. There is no other user.',
    loginUser: 'root',
    build: ({ key }) => ({
      rootPassword: PASSWORDS.root,
      files: keyFiles({ user: 'root', home: '/root', content: key.publicKey }),
      commands: [appendSshdConfig(HARDENING)],
    }),
    expect: { keyLogin: 'refused', sshdLog: /ROOT LOGIN REFUSED FROM /, sshd: 'up', console: 'login-works' },
    expectedCauses: ['policy.root-refused'],
  }),
  defineScenario({
    id: 'allowusers-typo',
    title: 'AllowUsers with a typo',
    story: 'The owner restricted logins with AllowUsers but typed "alcie".',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['AllowUsers alcie'])],
      }),
    expect: {
      keyLogin: 'refused',
      sshdLog: /User alice from \S+ not allowed because not listed in AllowUsers/,
      sshd: 'up',
      console: 'login-works',
    },
    expectedCauses: ['policy.user-filter'],
  }),
  defineScenario({
    id: 'shell-missing',
    title: 'Login shell set to a missing path',
    story: "The owner changed alice's shell to /usr/bin/zsh, which is not installed.",
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        users: [{ ...ALICE, shell: '/usr/bin/zsh' }],
      }),
    expect: {
      keyLogin: 'refused',
      sshdLog: /User alice not allowed because shell \/usr\/bin\/zsh does not exist/,
      sshd: 'up',
      console: 'login-works',
    },
    expectedCauses: ['account.shell'],
  }),
  defineScenario({
    id: 'config-syntax-error',
    title: 'sshd_config syntax error: sshd down after a restart',
    story: 'A typo (PermitRootLogn) in sshd_config; the owner restarted sshd and it did not come back.',
    build: ({ key }) =>
      hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
        commands: [appendSshdConfig(['PermitRootLogn no'])],
      }),
    expect: { keyLogin: 'refused', sshd: 'down', console: 'login-works' },
    expectedCauses: ['config.syntax', 'daemon.down'],
  }),
  defineScenario({
    id: 'no-passwords',
    title: 'No account has a password (cloud image): the console cannot be logged in to',
    story: 'A cloud image with key-only accounts; the key file is misnamed, and no account has a password.',
    build: ({ key }) => ({
      rootPassword: null,
      users: [{ name: 'alice', groups: ['sudo'] }],
      files: keyFiles({ user: 'alice', name: 'authorized_key', content: key.publicKey }),
      commands: [appendSshdConfig(HARDENING)],
    }),
    expect: { keyLogin: 'refused', sshdLog: closedByAlice, sshd: 'up', console: 'no-password' },
    expectedCauses: ['keys.misnamed', 'account.no-password'],
  }),
];

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown scenario ${id}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return found;
}

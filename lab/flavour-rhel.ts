import { ensureDerivedImage, type DerivedImage } from './distro-image.js';
import type { Flavour } from './flavours.js';
import { buildSetup } from './setup-script.js';
import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

/**
 * The RHEL family's sshd arrangement (AlmaLinux/Rocky 9) rebuilt on the bookworm image, because only
 * Debian's archive is reachable here: the daemon is Debian's OpenSSH 9.2 under systemd, but the unit is
 * `sshd.service` (no `ssh.service`), sshd_config includes the drop-ins and then `50-redhat.conf`,
 * which includes the system-wide crypto policy's back-end; sshd logs with facility AUTHPRIV, which
 * rsyslog writes to /var/log/secure; admins are in `wheel` (there is no `sudo` group); PermitRootLogin
 * is OpenSSH's default, prohibit-password, as on RHEL 9.
 */

const REDHAT_DROPIN = [
  '# The distribution defaults, read after the admin drop-ins with lower numbers (first value wins).',
  '# Algorithm settings come from the system-wide crypto policy; to change one for sshd alone, set it',
  '# in a drop-in numbered below 50, or change the policy with update-crypto-policies.',
  '',
  'Include /etc/crypto-policies/back-ends/opensshserver.config',
  '',
  'SyslogFacility AUTHPRIV',
  'ChallengeResponseAuthentication no',
  'GSSAPIAuthentication yes',
  'GSSAPICleanupCredentials no',
  'UsePAM yes',
  'X11Forwarding yes',
  'PrintMotd no',
  '',
].join('\n');

const SSHD_CONFIG = [
  '# sshd_config of a RHEL-family server (vps-rescue lab layout); defaults are commented out.',
  'Include /etc/ssh/sshd_config.d/*.conf',
  '',
  '#Port 22',
  '#PermitRootLogin prohibit-password',
  '#PubkeyAuthentication yes',
  'AuthorizedKeysFile\t.ssh/authorized_keys',
  '#PasswordAuthentication yes',
  // Debian's sftp-server path: the binary here is Debian's (RHEL's is /usr/libexec/openssh/).
  'Subsystem\tsftp\t/usr/lib/openssh/sftp-server',
  '',
].join('\n');

/** The algorithm lists of the crypto policies, as their opensshserver back-end writes them. */
const ECDSA = 'ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521';
const POLICIES: Record<'DEFAULT' | 'FIPS', string[]> = {
  DEFAULT: [
    'Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr',
    'MACs hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha1,umac-128@openssh.com,hmac-sha2-512',
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512',
    `HostKeyAlgorithms ${ECDSA},ssh-ed25519,rsa-sha2-256,rsa-sha2-512`,
    `PubkeyAcceptedAlgorithms ${ECDSA},ssh-ed25519,rsa-sha2-256,rsa-sha2-512,sk-ecdsa-sha2-nistp256@openssh.com,sk-ssh-ed25519@openssh.com`,
    `CASignatureAlgorithms ${ECDSA},ssh-ed25519,rsa-sha2-256,rsa-sha2-512`,
    'RequiredRSASize 2048',
  ],
  // FIPS 140 mode: no Ed25519, no ChaCha20 — an Ed25519 key stops working when the mode is turned on.
  FIPS: [
    'Ciphers aes256-gcm@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr',
    'MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512',
    'KexAlgorithms ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512',
    `HostKeyAlgorithms ${ECDSA},rsa-sha2-256,rsa-sha2-512`,
    `PubkeyAcceptedAlgorithms ${ECDSA},rsa-sha2-256,rsa-sha2-512`,
    `CASignatureAlgorithms ${ECDSA},rsa-sha2-256,rsa-sha2-512`,
    'RequiredRSASize 2048',
  ],
};

/** Where a scenario points the back-end to switch the policy (what update-crypto-policies --set does). */
export const CRYPTO_BACKEND = '/etc/crypto-policies/back-ends/opensshserver.config';
export const cryptoPolicyFile = (policy: keyof typeof POLICIES) =>
  `/usr/share/crypto-policies/${policy}/opensshserver.txt`;

const SSHD_SERVICE = [
  '[Unit]',
  'Description=OpenSSH server daemon',
  'Documentation=man:sshd(8) man:sshd_config(5)',
  'After=network.target',
  '',
  '[Service]',
  'Type=notify',
  'EnvironmentFile=-/etc/sysconfig/sshd',
  'ExecStart=/usr/sbin/sshd -D $OPTIONS',
  'ExecReload=/bin/kill -HUP $MAINPID',
  'KillMode=process',
  'Restart=on-failure',
  'RestartSec=42s',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

const RSYSLOG = [
  'global(workDirectory="/var/lib/rsyslog")',
  'module(load="imuxsock")',
  '$FileCreateMode 0600',
  '*.info;mail.none;authpriv.none;cron.none\t/var/log/messages',
  'authpriv.*\t/var/log/secure',
  '',
].join('\n');

const RHEL_IMAGE: DerivedImage = {
  name: 'rhel-layout',
  packages: ['rsyslog'],
  files: {
    '/etc/os-release': [
      [
        'NAME="AlmaLinux"',
        'VERSION="9.4 (lab layout)"',
        'ID="almalinux"',
        'ID_LIKE="rhel centos fedora"',
        'VERSION_ID="9.4"',
        // Not a real AlmaLinux: the RHEL family's sshd arrangement on Debian's packages.
        'PRETTY_NAME="RHEL-layout lab server (Debian OpenSSH, sshd.service, crypto-policies)"',
        '',
      ].join('\n'),
      0o644,
    ],
    '/etc/ssh/sshd_config': [SSHD_CONFIG, 0o600],
    '/etc/ssh/sshd_config.d/50-redhat.conf': [REDHAT_DROPIN, 0o600],
    [cryptoPolicyFile('DEFAULT')]: [`${POLICIES.DEFAULT.join('\n')}\n`, 0o644],
    [cryptoPolicyFile('FIPS')]: [`${POLICIES.FIPS.join('\n')}\n`, 0o644],
    [CRYPTO_BACKEND]: [`->${cryptoPolicyFile('DEFAULT')}`, 0o777],
    '/etc/crypto-policies/config': ['DEFAULT\n', 0o644],
    '/usr/lib/systemd/system/sshd.service': [SSHD_SERVICE, 0o644],
    '/etc/sysconfig/sshd': ['# Options for sshd, e.g. OPTIONS="-u0"\nOPTIONS=""\n', 0o644],
    // Debian's sshd needs its privilege separation directory (RHEL's build uses /usr/share/empty.sshd).
    '/etc/tmpfiles.d/sshd.conf': ['d /run/sshd 0755 root root -\n', 0o644],
    '/etc/rsyslog.conf': [RSYSLOG, 0o644],
  },
  customize: [
    'rm -f /lib/systemd/system/ssh.service /lib/systemd/system/ssh.socket /lib/systemd/system/ssh@.service',
    'rm -f /lib/systemd/system/rescue-ssh.target /etc/init.d/ssh /etc/systemd/system/sshd.service',
    'rm -f /etc/systemd/system/multi-user.target.wants/ssh.service /etc/systemd/system/sockets.target.wants/ssh.socket',
    'rm -rf /etc/rsyslog.d/*',
    'ln -sf /usr/lib/systemd/system/sshd.service /etc/systemd/system/multi-user.target.wants/sshd.service',
    // systemd-sysusers would create Debian's sudo group at boot.
    "sed -i '/^g sudo /d' /usr/lib/sysusers.d/basic.conf",
    'groupdel sudo',
    'groupadd -r wheel',
    `sed -i 's/^%sudo.*/%wheel\\tALL=(ALL)\\tALL/' /etc/sudoers`,
    'grep -q "^%wheel" /etc/sudoers',
    'echo "HOME_MODE 0700" >> /etc/login.defs',
    'touch /var/log/secure && chmod 600 /var/log/secure',
  ].join('\n'),
  version: 2,
};

/** Scenario groups as the RHEL family names them. */
function rhelSpec(spec: ServerSpec): ServerSpec {
  return {
    ...spec,
    users: spec.users?.map((u) => ({ ...u, groups: u.groups?.map((g) => (g === 'sudo' ? 'wheel' : g)) })),
  };
}

export const RHEL: Flavour = {
  image: (log) => ensureDerivedImage(RHEL_IMAGE, log),
  setup: (spec, opts) =>
    buildSetup(rhelSpec(spec), {
      ...opts,
      listen: (address) => [
        'mkdir -p /etc/systemd/system/sshd.service.d',
        `printf '%s\\n' '[Service]' 'ExecStart=' ${sq(`ExecStart=/usr/sbin/sshd -D -o ListenAddress=${address} $OPTIONS`)} > /etc/systemd/system/sshd.service.d/lab-listen.conf`,
      ],
    }),
  init: 'systemd',
  systemd: true,
  sshdListening: (address) => `ss -Hltn 'sport = :22' | grep -qF ${sq(address)}`,
  sshdLog: 'grep -E "sshd(-session|-auth)?\\[" /var/log/secure 2>/dev/null || true',
  reboot: 'systemctl reboot',
};

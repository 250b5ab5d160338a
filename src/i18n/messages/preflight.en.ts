/** English messages of `preflight` and `harden`. Every key must exist in preflight.ja.ts too. */

export const preflightEn = {
  'preflight.cmd.describe':
    'before hardening sshd: would you still get in afterwards (asked of the server’s own sshd), and is there a way back?',
  'harden.cmd.describe':
    'apply SSH hardening over SSH as one guarded change: it reverts by itself unless a brand-new login with your key proves it',
  'opt.preflight.host': 'the server address (as you connect to it with ssh)',
  'opt.preflight.ssh-port': 'the SSH port (default 22)',
  'opt.preflight.user': 'the account you log in with (the one that must still get in after the change)',
  'opt.preflight.identity': 'private key file to log in with (default: the SSH agent at SSH_AUTH_SOCK)',
  'opt.preflight.password-env':
    "environment variable holding the user's password (login where that is how you get in today; sudo)",
  'opt.preflight.password-file':
    "file holding the user's password (login where that is how you get in today; sudo)",
  'opt.preflight.known-hosts': 'known_hosts file to check the host key against (default ~/.ssh/known_hosts)',
  'opt.preflight.host-key':
    'the host key fingerprint to expect instead (SHA256:…, as ssh-keygen -lf prints it)',
  'opt.preflight.provider':
    'provider id (see `vps-rescue providers`): also checks the way back through its API',
  'opt.preflight.endpoint': 'provider API base URL (private clouds, the lab simulator)',
  'opt.preflight.config': 'a whole candidate sshd_config instead of the default plan',
  'opt.preflight.dropin':
    'a drop-in for sshd_config.d instead of the default plan (kept under its own file name)',
  'opt.preflight.out': 'folder for the report (Markdown and JSON)',
  'opt.harden.host': 'the server address (as you connect to it with ssh)',
  'opt.harden.ssh-port': 'the SSH port (default 22)',
  'opt.harden.user': 'the account you log in with (the one that must still get in after the change)',
  'opt.harden.identity': 'private key file to log in with (default: the SSH agent at SSH_AUTH_SOCK)',
  'opt.harden.password-env':
    "environment variable holding the user's password (login where that is how you get in today; sudo)",
  'opt.harden.password-file':
    "file holding the user's password (login where that is how you get in today; sudo)",
  'opt.harden.known-hosts': 'known_hosts file to check the host key against (default ~/.ssh/known_hosts)',
  'opt.harden.host-key': 'the host key fingerprint to expect instead (SHA256:…, as ssh-keygen -lf prints it)',
  'opt.harden.provider': 'provider id (see `vps-rescue providers`): also checks the way back through its API',
  'opt.harden.endpoint': 'provider API base URL (private clouds, the lab simulator)',
  'opt.harden.config': 'a whole candidate sshd_config instead of the default plan',
  'opt.harden.dropin':
    'a drop-in for sshd_config.d instead of the default plan (kept under its own file name)',
  'opt.harden.out': 'folder for the report (Markdown and JSON)',
  'opt.harden.confirm-within':
    'minutes the new login has to confirm the change before the server reverts it (default 5, at most 60)',

  'error.usage.bad-fingerprint':
    '{option} must be a SHA256 fingerprint (SHA256: and 43 characters), not {value}',
  'error.usage.bad-dropin-name':
    'the drop-in must be named like NAME.conf (letters, digits, . _ -), not {value}',
  'error.usage.bad-confirm-within': '--confirm-within must be whole minutes from 1 to {max}, not {value}',
  'error.ssh.connect': 'cannot reach SSH on {host} port {port}: {reason}',
  'error.ssh.host-key-unknown':
    'the host key of {host} (port {port}) is unknown: {fingerprint}. Check it on the console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pass --host-key {fingerprint} or add it to known_hosts',
  'error.ssh.host-key-mismatch':
    'the host key of {host} (port {port}) is not the known one: it presents {fingerprint}. Nothing was sent; find out why before going on',
  'error.ssh.login-refused':
    'the login as {user} on {host} port {port} was refused with the key/password given: nothing can be checked from here',
  'error.ssh.sudo-refused': '{user} cannot become root with sudo: {reason}',
  'error.preflight.lockout': 'the hardening would lock {user} out of {host}: {cause}',
  'error.preflight.no-way-back':
    'the hardening is safe for {user}, but {host} has no way back if it goes wrong',
  'error.preflight.way-back-unknown':
    'the hardening is safe for {user}, but the way back to {host} was not checked (give --provider)',
  'error.preflight.cannot-predict': 'the candidate could not be checked on the server: {reason}',
  'error.harden.reverted':
    'the hardening was reverted: the new login as {user} on {host} failed ({cause}); the server is as before',
  'error.harden.refused':
    'the hardening was not applied: sshd -t refused the candidate ({reason}); nothing changed',

  'preflight.title': 'Preflight for {user}@{host} (plan: {plan})',
  'preflight.mark.ok': '[ok]  ',
  'preflight.mark.fail': '[FAIL]',
  'preflight.mark.warn': '[warn]',
  'preflight.mark.skip': '[--]  ',
  'preflight.fix': 'fix',
  'preflight.check.login-today': 'gets in today',
  'preflight.check.root-access': 'root for the checks',
  'preflight.check.key-today': 'key login today',
  'preflight.check.candidate-syntax': 'sshd -t on the candidate',
  'preflight.check.key-after': 'key login after the change',
  'preflight.check.hardening-effective': 'the change takes effect',
  'preflight.check.console-api': 'console through the API',
  'preflight.check.console-account': 'console login account',
  'preflight.check.console-getty': 'getty on the console',
  'preflight.check.run-command': 'run-command / guest agent',
  'preflight.check.rescue-system': 'rescue system',
  'preflight.verdict.safe': 'Safe: {user} still gets in after the change, and there is a way back.',
  'preflight.verdict.lockout': 'Do not apply: {user} would be locked out ({cause}).',
  'preflight.verdict.no-way-back':
    '{user} still gets in, but there is no way back if something else goes wrong.',
  'preflight.verdict.way-back-unknown': '{user} still gets in; the way back was not checked (no --provider).',
  'preflight.login-today.ok': 'logged in as {user} ({method}); host key {hostKey}',
  'preflight.root-access.root': 'logged in as root',
  'preflight.root-access.sudo-nopasswd': '{user} becomes root with sudo (no password)',
  'preflight.root-access.sudo-password': '{user} becomes root with sudo (password asked once)',
  'preflight.key-today.ok': 'the key of {user} is accepted today',
  'preflight.candidate-syntax.ok': "the server's sshd accepts the candidate",
  'preflight.candidate-syntax.fail': "the server's sshd refuses the candidate: {output}",
  'preflight.candidate-syntax.fix':
    'Correct the candidate until `sshd -t` accepts it; a reload would not take it.',
  'preflight.key-after.ok': "sshd's effective settings for {user} from {address} still accept the key",
  'preflight.key-after.no-key':
    'no key to log in with after the change: {user} logs in with a password today',
  'preflight.key-after.no-key-fix': 'Give --identity or load the key into the agent, and install it first.',
  'preflight.hardening-effective.unknown': 'sshd -T gave no settings for the candidate',
  'preflight.hardening-effective.ok': 'sshd would apply: {settings}',
  'preflight.hardening-effective.overridden':
    'sshd would not apply: {settings} (another file or a Match block wins)',
  'preflight.hardening-effective.fix':
    'Put the settings where sshd reads them first (before the Include of sshd_config.d), or fix the file that overrides them.',
  'preflight.console-account.ok': 'can log in on the console and become root: {users}',
  'preflight.console-account.fail': 'no account can log in on the console and become root ({accounts})',
  'preflight.console-account.fix':
    'Set a password for {user} (sudo passwd {user}) or for root before hardening: the console asks for one.',
  'preflight.console-getty.ok': 'a login prompt runs on {ttys} ({kind} console)',
  'preflight.console-getty.fail': 'no login prompt (getty) runs where the {kind} console shows',
  'preflight.console-getty.fix-serial': 'Enable one: systemctl enable --now serial-getty@ttyS0.service',
  'preflight.console-getty.fix-vnc': 'Enable one: systemctl enable --now getty@tty1.service',
  'preflight.console-api.unchecked': 'the console was not checked (no --provider)',
  'preflight.console-api.unchecked-fix': 'Run again with --provider ID and the API credentials at hand.',
  'preflight.console-api.not-found': '{provider} did not find the server: {reason}',
  'preflight.console-api.none': '{provider} offers no console',
  'preflight.console-api.ok': '{provider} hands out the {kind} console of {server}',
  'preflight.console-api.fail': '{provider} did not hand out the console: {reason}',
  'preflight.console-api.fix': 'Check the API credentials and that the console is enabled for this server.',
  'preflight.run-command.offered': '{provider} offers run-command (a way in without the console)',
  'preflight.run-command.none': '{provider} offers no run-command',
  'preflight.rescue-system.offered': '{provider} offers a rescue system',
  'preflight.rescue-system.none': '{provider} offers no rescue system',

  'harden.title': 'Hardening of {user}@{host} (plan: {plan}, transaction {txId})',
  'harden.outcome.kept': 'Kept: a brand-new key login as {user} confirmed the change.',
  'harden.outcome.reverted': 'Reverted: the new login as {user} failed; the server is back as before.',
  'harden.outcome.refused': 'Not applied: sshd -t refused the candidate; nothing changed.',
  'harden.label.backup': 'Backup on the server',
  'harden.label.armed': 'Revert armed before the reload',
  'harden.label.cause': 'Why the login failed',
  'harden.label.fix': 'Fix',
  'harden.label.timeline': 'Timeline',
  'harden.step.apply': 'backup, candidate in place, sshd -t',
  'harden.step.armed': 'revert armed',
  'harden.step.reloaded': 'sshd reloaded',
  'harden.step.confirmed': 'new login confirmed the change',
  'harden.step.login-failed': 'new login failed',
  'harden.step.reverted': 'reverted',
  'harden.step.refused': 'candidate refused',
  'harden.report-written': 'Report written',
} as const;

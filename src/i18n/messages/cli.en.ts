/** English messages of the rescue command's input checks and account safety. Mirrored in cli.ja.ts. */
export const cliEn = {
  'error.usage.bad-window': '--window {value}: give whole minutes from 1 to {max}',
  'error.usage.bad-port': '--ssh-port {value}: give a port number from 1 to 65535',
  'error.usage.bad-user-name':
    '{option} {value}: not a user name (lower-case letters, digits, "_" and "-", at most 32 characters)',
  'error.usage.bad-host': '--host {value}: give the server address or name',
  'error.usage.conflict': '{first} and {second} cannot be used together',
  'error.usage.repeated': '{option} was given more than once: give it once',
  'error.usage.needs': '{option} needs {needed}',
  'error.usage.no-effect': '{option} has no effect with --action {action}: leave it out',
  'error.usage.path-exists':
    '{option} {path} already exists: name a new file (nothing is ever written over one)',
  'error.usage.path-not-writable': '{option} {path}: the folder {dir} does not exist or is not writable',
  'error.usage.unreadable-file': '{option} {path} cannot be read ({reason})',
  'error.usage.bad-key': '{option} {path} is not a usable {kind} key ({reason})',
  'error.usage.bad-tz': '--tz {value} is not a known time zone (e.g. Asia/Tokyo, UTC)',
  'error.usage.env-missing': '{option} {name}: that environment variable is not set',
  'error.usage.unknown-user':
    'there is no account {user} on {host}; nothing was changed. Accounts that could be meant: {candidates}',
  'error.usage.user-exists':
    'the account {user} already exists on {host}: create-user only makes new accounts (nothing was changed); to give {user} a new password use --action enable-password --reset-password',
  'error.usage.password-exists':
    'the account {user} has a password (locked): it is replaced only with --reset-password',
  'error.usage.confirm-needed':
    '{change} needs confirmation: run on a terminal to be asked, or add --yes ({state})',
  'error.usage.declined': '{change} was not confirmed ({state})',

  'cli.candidates.none': '(no login account)',
  'cli.hint.create-user': 'to create it: --action create-user --user {user}',
  'cli.hint.other-ways': 'other ways into {server}: {offers}',
  'cli.hint.way-skipped': '{path}: {reason}',
  'cli.change.create-user': 'creating the account {user} (with sudo rights) on {host}',
  'cli.change.create-user-forced':
    'no account can log in to {host} (root login is off and there is no other login account): creating the account {user} (with sudo rights)',
  'cli.change.set-password': 'giving {user} on {host} a generated password (the account has none)',
  'cli.state.unchanged': 'nothing was changed',
  'cli.state.partly': 'nothing more was changed; done before: {changes}',
  'cli.change.reset-password': 'replacing the password of {user} on {host}',
  'cli.confirm.question': '{change}. Go ahead? [y/N] ',

  'cli.rescue.describe': 'rescue a locked-out server (the default command)',
  'cli.rescue.opt.provider': 'provider id (see `vps-rescue providers`)',
  'cli.rescue.opt.endpoint': 'provider API base URL (private clouds, the lab simulator)',
  'cli.rescue.opt.console':
    'console URL instead of a provider: ws(s)://, termproxy+wss://, ssh://, unix:, tcp://',
  'cli.rescue.opt.console-env':
    'environment variable holding the console URL (one with a token, ticket or password is taken only this way or by file)',
  'cli.rescue.opt.console-file': 'file holding the console URL',
  'cli.rescue.opt.host': 'the server address (also used to verify SSH from outside)',
  'cli.rescue.opt.ssh-port': 'the SSH port the verification connects to',
  'cli.rescue.opt.user': 'the account whose SSH access is rescued (it must exist, except with create-user)',
  'cli.rescue.opt.action': 'what to do (auto: repair the keys, else a password window)',
  'cli.rescue.opt.dry-run': 'change nothing: report findings and the plan',
  'cli.rescue.opt.key': "the customer's public key file",
  'cli.rescue.opt.identity': "the customer's private key file, to verify a real key login",
  'cli.rescue.opt.window': 'minutes the password login stays open (1 to 1440, default 60)',
  'cli.rescue.opt.permanent': 'no time limit on the password window',
  'cli.rescue.opt.expire-password': 'a generated password must be changed at first login',
  'cli.rescue.opt.reset-password': "replace the user's existing password with a generated one",
  'cli.rescue.opt.yes': 'answer yes to the confirmation of an account change (for scripts)',
  'cli.rescue.opt.console-user': 'the account to log in with on the console',
  'cli.rescue.opt.password-file': 'file holding the console password',
  'cli.rescue.opt.password-env': 'environment variable holding the console password',
  'cli.rescue.opt.user-password-file': "file holding the user's own password (verification)",
  'cli.rescue.opt.user-password-env': "environment variable holding the user's own password (verification)",
  'cli.rescue.opt.password-out': 'write a generated password to this new file (0600)',
  'cli.rescue.opt.out': 'directory for the report and transcript',
  'cli.rescue.opt.tz': 'time zone of the times in the report (default: Asia/Tokyo for ja, UTC for en)',
} as const;

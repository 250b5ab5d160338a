/** English messages. Every key here must exist in ja.ts too (the type checker enforces it). */
export const coreEn = {
  'cli.description':
    'Get a locked-out server back through its out-of-band console: find why sshd refuses, re-open a safe way in, prove it from outside, report.',
  'cli.opt.json': 'Print machine-readable JSON instead of text',
  'cli.opt.lang': 'Language of messages and reports (default from LC_ALL / LC_MESSAGES / LANG)',
  'cli.opt.debug': 'Show stack traces and protocol details for unexpected errors',
  'cli.error.prefix': 'vps-rescue: ',
  'cli.error.internal': 'internal error: {message} (run again with --debug for details)',

  'error.usage': '{message}',
  'error.usage.secret-on-argv':
    'secrets are not accepted on the command line ({option}); use {alternative} instead',
  'error.usage.unknown-provider': 'unknown provider "{provider}": must be one of {known}',
  'error.config.missing-credentials': 'no credentials for {provider}: set {variables}',
  'error.auth.failed': '{provider} rejected the credentials (HTTP {status})',
  'error.auth.forbidden': '{provider} refused the request: the credentials lack permission for {action}',
  'error.provider.not-found': 'no server matches {query} at {provider}',
  'error.provider.ambiguous': '{count} servers match {query} at {provider} ({candidates}); name one by id',
  'error.provider.rate-limited': '{provider} is rate limiting requests; retry after {retryAfter} s',
  'error.provider.api': '{provider} API error: HTTP {status} on {operation}{detail}',
  'error.provider.timeout': '{provider} API did not answer {operation} within {seconds} s',
  'error.provider.conflict': '{provider} refused {operation} because of the server state{detail}',
  'error.provider.precondition': '{provider} cannot {operation} now: {reason}',
  'error.provider.unsupported': '{provider} cannot {capability}; it offers: {offers}',
  'error.console.unavailable': 'the {kind} console of {server} is not available: {hint}',
  'error.console.connect': 'cannot connect to the console {endpoint}: {reason}',
  'error.console.closed': 'the console connection closed unexpectedly ({reason})',
  'error.console.timeout': 'the console did not show {waitingFor} within {seconds} s; last screen: {screen}',
  'error.console.no-prompt':
    'the console never showed a login prompt or shell within {seconds} s; last screen: {screen}',
  'error.console.login-failed': 'login as {user} on the console was refused (wrong user name or password)',
  'error.console.account-locked': 'the account {user} is locked; the console cannot be used with it',
  'error.console.password-expired':
    'the password of {user} has expired and must be changed before the console can be used',
  'error.console.no-root': 'cannot become root on the console as {user}: {reason}',
  'error.console.logout-failed':
    'the console still shows a shell after {levels} logouts; log it out by hand (screen: {screen})',
  'error.console.command-failed': 'a console command failed ({step}): exit code {exitCode}',
  'error.console.upload-failed': 'uploading {name} through the console failed: checksum mismatch',
  'error.console.output-unreadable':
    'command output ({lines} lines) could not be read back from the console screen: checksum mismatch',
  'error.vnc.cannot-type': 'the character {char} cannot be typed on the VNC console with the {layout} layout',
  'error.vnc.typing-failed': 'typing on the VNC console is unreliable: {reason}',
  'error.diagnose.bad-output': 'the diagnosis output from the server is unusable: {reason}',
  'error.diagnose.rejected-output':
    'the diagnosis output from the server was rejected, nothing was changed: {reason} (it does not fit what the collector writes; someone on the server may be forging it)',
  'error.rescue.rejected-result':
    'the result of step {step} was rejected: {reason} (someone on the server may be forging it); look at the server before anything else',
  'error.rescue.failed': 'the rescue failed at {step}: {reason}',
  'error.rescue.rolled-back':
    'the change at {step} failed and was rolled back; the server is as it was: {reason}',
  'error.rescue.still-in-rescue':
    '{server} may still be in the rescue system ({reason}): disable rescue mode and reset it in the {provider} console',
  'rescue.state.unchanged': 'the server is unchanged',
  'rescue.state.applied':
    'transaction {tx} was applied (backups in {backup}); SSH access was not verified: check it, or run vps-rescue again',
  'rescue.state.rolled-back': 'transaction {tx} was rolled back; the server is as it was',
  'rescue.state.unknown':
    'transaction {tx} had not reported when vps-rescue stopped: on the server, {backup}/state says done (applied), rolled-back (as it was) or applying (still running); its log is {backup}/log',
  'rescue.state.left-open': 'the console may still be logged in: log it out in the provider console',
  'rescue.previous-unfinished':
    'an earlier transaction {tx} never finished (state: applying): see {backup}/log before changing more',
  'error.rescue.interrupted': 'interrupted ({signal}): {state}',
  'error.rescue.no-way-in': 'no way into {server}: {reason}; the provider offers: {offers}',
  'error.verify.failed': 'SSH login to {host} as {user} still fails after the rescue: {reason}',
  'error.verify.not-proven':
    'nothing proved that {user} can log in to {host} ({reason}); ask the customer to try: {next}',
  'error.lab.unavailable': 'the lab cannot run here: {reason}',
  'error.lab.failed': 'lab step failed: {step}: {reason}',
  'error.internal': 'internal error: {message}',
  // Provider settings (the aws folder's serial console host key)
  'error.config.bad-value': '{name} is not valid: expected {expected}',
  // A rescue system reached through its console (Linode's Finnix through Lish)
  'error.console.rescue-login':
    "the rescue system's console asks for a login instead of offering a root shell, and no password is typed there (screen: {screen})",
} as const;

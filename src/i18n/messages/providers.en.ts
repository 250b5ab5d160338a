/** English messages of the providers area. Every key must exist in providers.ja.ts too (enforced by its type). */
export const providersEn = {
  'providers.capability.serialConsole': 'serial console',
  'providers.capability.vncConsole': 'VNC console',
  'providers.capability.runCommand': 'run commands in the guest',
  'providers.capability.rescueBoot': 'boot a rescue system',

  'providers.plan.serial': 'serial console: plain text both ways, the whole diagnosis and fix work on it',
  'providers.plan.run-command':
    'guest agent command: needs no login, but runs one command at a time without a terminal',
  'providers.plan.rescue': 'rescue system: reboots the server, so it is tried after the ways that do not',
  'providers.plan.vnc':
    'VNC console: works without a serial getty, but keys must be typed and the screen read',

  'providers.path.serial-console': 'serial console',
  'providers.path.run-command': 'guest agent commands',
  'providers.path.rescue-system': 'rescue system',
  'providers.path.vnc-console': 'VNC console',
  'providers.way-in.chosen': 'going in through the {path}: {reason}',
  'providers.way-in.skipped': '{path} skipped: {reason}',
  'providers.way-in.not-offered': '{provider} does not offer it',
  'providers.way-in.rescue-not-yet':
    'this version cannot yet work on the disk from a rescue system (it would also reboot the server)',
  'providers.way-in.not-root': 'the command channel does not run as root (id -u printed "{uid}")',
  'providers.way-in.no-console-password':
    'no console password was given (--password-file or --password-env) and there is no terminal to ask on',
  'providers.way-in.via-agent': 'guest agent ({provider})',
  'providers.way-in.via-rescue': 'rescue system ({provider})',
  'providers.way-in.via-rescue-console': 'rescue system ({provider}), its console',
  'providers.way-in.rescue-rebooting':
    'rebooting {server} into the {provider} rescue system; it is rebooted into its own system at the end, whatever happens',
  'providers.way-in.no-reboot': 'it reboots the server, which --dry-run and --action diagnose never do',
  'providers.way-in.rescue-no-ssh': 'the rescue system gave no SSH access',
  'providers.way-in.rescue-leaving': 'leaving the rescue system: {server} boots its own system',
  'providers.way-in.rescue-back': '{server} answers SSH on its own system again',
  'providers.way-in.rescue-no-answer':
    '{server} did not answer SSH within {seconds} s of the reset; the verification will show why',

  'providers.cmd.describe': 'List the supported providers, what each can do and which credentials it takes',
  'providers.cmd.markdown': 'Print the table as Markdown (for the README)',
  'providers.cmd.credentials': 'credentials: {variables}',
  'providers.cmd.optional': 'optional: {variables}',
  'providers.cmd.endpoint': '--endpoint: {endpoint}',
  'providers.cmd.capabilities': 'can: {capabilities}',
  'providers.cmd.reboots': '{capability} (reboots the server)',
  'providers.table.provider': 'Provider',
  'providers.table.credentials': 'Credentials',
  'providers.table.or': ' or ',

  'providers.hint.not-running': 'the server is {status}; it must be running',
  'providers.hint.no-console': '{provider} has no {kind} console',
} as const;

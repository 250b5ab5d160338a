/** English messages of the password window command. Every key must exist in window.ja.ts too. */
export const windowEn = {
  'window.cmd.describe':
    'list the password windows on a server, close one early or extend it (through the console or the provider, as a rescue)',
  'window.opt.op': "list: show every open window; close: end USER's window now; extend: keep it open longer",
  'window.opt.provider':
    'provider id (see `vps-rescue providers`): the server is found and entered as a rescue does, never by rebooting it',
  'window.opt.endpoint': 'provider API base URL (private clouds, the lab simulator)',
  'window.opt.console':
    'console URL instead of a provider: ws(s)://, termproxy+wss://, ssh://, unix:, tcp://',
  'window.opt.host': 'the server address',
  'window.opt.console-user': 'the account to log in with on the console',
  'window.opt.password-file': 'file holding the console password',
  'window.opt.password-env': 'environment variable holding the console password',
  'window.opt.user': 'the account whose window is closed or extended (the other windows stay as they are)',
  'window.opt.minutes':
    'extend: minutes added to what is left (whole minutes, 1 to {max}; at most {max} from now)',
  'window.need-op': 'vps-rescue window needs one of: {ops}',
  'window.need-user': 'window {op} needs --user: the account whose window it is',
  'window.need-minutes': 'window extend needs --minutes: a whole number from 1 to {max}',
  'window.list.clock': 'Server clock: {time}',
  'window.list.skew':
    "Server clock: {time} ({skew} minutes {direction} this machine's; the times below are the server's)",
  'window.list.ahead': 'ahead of',
  'window.list.behind': 'behind',
  'window.list.none': 'No password window is open on this server.',
  'window.list.row': '{user}: opened {opened}, closes {until} ({armed}; {where})',
  'window.list.row-permanent':
    '{user}: opened {opened}, permanent (closed only with `window close`; {where})',
  'window.list.row-legacy':
    '{user}: a window of an earlier vps-rescue version (no deadline known; close it with `window close`)',
  'window.armed.armed': 'the closer is armed',
  'window.armed.not-armed': 'NOTHING WILL CLOSE IT: close it now',
  'window.armed.permanent': 'permanent',
  'window.where.dropin': 'drop-in in sshd_config.d',
  'window.where.inline': 'block in sshd_config',
  'window.where.missing': 'its Match block is gone',
  'window.where.legacy': 'old drop-in',
  'window.closed':
    "The password window of {user} is closed: password login for {user} is off again (other users' windows are unchanged).",
  'window.extended': 'The password window of {user} now closes at {until} (server clock).',
  'error.window.not-found':
    'no password window is open for {user} on this server (see `vps-rescue window list`)',
} as const;

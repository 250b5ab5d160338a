/** English messages of the console area. Every key must exist in console.ja.ts too (enforced by its type). */
export const consoleEn = {
  'console.cmd.describe':
    "Watch (--watch) or take over a server's console: a URL, or the provider's console for --host (Ctrl-] quits)",
  'console.opt.connect':
    'console URL: ws(s)://…?token=… (nova/ConoHa), termproxy+wss://USER@host:8006/…?vncticket=…, ssh://user@host:port, unix:/path, tcp://127.0.0.1:port, pty:/dev/pts/N',
  'console.opt.connect-file': 'file holding the console URL (for one with a token, ticket or password)',
  'console.opt.connect-env':
    'read the console URL from this environment variable (keeps its token off the command line)',
  'console.opt.password-file': 'file holding the SSH gateway password',
  'console.opt.password-env': 'environment variable holding the SSH gateway password',
  'console.opt.identity': 'private key file for the SSH gateway',
  'console.connected': 'Connected to {endpoint}. Press Ctrl-] to quit.',
  'console.ended-escape': 'Left the console (it stays as it is on the server).',
  'console.ended-closed': 'The console connection closed: {reason}',
  'console.password-prompt': 'Password for {target}: ',
  'console.need-connect': 'give --connect URL or --connect-env VAR',
} as const;

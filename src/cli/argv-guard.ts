import { RescueError } from '../errors/rescue-error.js';

/**
 * Options that would carry a secret on the command line, where every local user can read it in
 * /proc/<pid>/cmdline and shell history keeps it. Each is refused with the safe alternative.
 */
const SECRET_OPTIONS: Record<string, string> = {
  password: '--password-file FILE, --password-env VAR or the interactive prompt',
  'root-password': '--password-file FILE, --password-env VAR or the interactive prompt',
  token: 'the provider environment variables (see `vps-rescue providers`)',
  'api-token': 'the provider environment variables (see `vps-rescue providers`)',
  secret: 'the provider environment variables (see `vps-rescue providers`)',
  'vnc-password': 'the provider API, which hands the console password over itself',
};

export function refuseSecretsOnArgv(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const match = /^--([a-z-]+)(?:=|$)/.exec(arg);
    const name = match?.[1];
    if (name && Object.prototype.hasOwnProperty.call(SECRET_OPTIONS, name)) {
      throw new RescueError('usage.secret-on-argv', {
        option: `--${name}`,
        alternative: SECRET_OPTIONS[name]!,
      });
    }
  }
}

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

/** Options whose value is a console URL: allowed on argv only when the URL carries no secret. */
const URL_OPTIONS: Record<string, string> = {
  console: '--console-env VAR or --console-file FILE for a URL with a token, ticket or password',
  connect: '--connect-env VAR or --connect-file FILE for a URL with a token, ticket or password',
};

export function refuseSecretsOnArgv(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (!name) continue;
    if (Object.prototype.hasOwnProperty.call(SECRET_OPTIONS, name)) {
      throw new RescueError('usage.secret-on-argv', {
        option: `--${name}`,
        alternative: SECRET_OPTIONS[name]!,
      });
    }
    if (Object.prototype.hasOwnProperty.call(URL_OPTIONS, name)) {
      const value = match[2] ?? argv[i + 1];
      if (value !== undefined && urlCarriesSecret(value)) {
        throw new RescueError('usage.secret-on-argv', {
          option: `--${name}`,
          alternative: URL_OPTIONS[name]!,
        });
      }
    }
  }
}

/**
 * Console URLs carry their secrets in the query (Nova/ConoHa `?token=`, Proxmox `?vncticket=`), in
 * the user-info password, or in a fragment; a URL with none of them (ssh://user@host, unix:/path,
 * tcp://127.0.0.1:port) may stay on the command line.
 */
export function urlCarriesSecret(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL the tool could use anyway; anything query-like is still treated as a secret.
    return /[?#]|:[^/@]*@/.test(raw);
  }
  return url.search.length > 1 || url.hash.length > 1 || url.password !== '';
}

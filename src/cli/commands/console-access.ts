import type { ConsoleEndpoint } from '../../console/endpoint.js';
import { parseConnectUrl } from '../../console/transport/index.js';
import type { CliContext } from '../context.js';
import { readSecret } from '../secret-input.js';
import type { ProviderWay } from '../../rescue/way-in.js';

/**
 * The console password of a command with --password-file / --password-env: read once, when first
 * needed (a guest agent runs as root without one).
 */
export function consolePasswordSource(
  args: Record<string, unknown>,
  ctx: CliContext,
  beforeAsk: () => void = () => {},
): { read: () => Promise<string>; beforeConsole: () => Promise<boolean> } {
  let consolePassword: string | undefined;
  const read = async () =>
    (consolePassword ??= (await readSecret(
      {
        file: args['password-file'],
        env: args['password-env'],
        prompt: 'Console password: ',
        options: '--password-file or --password-env',
      },
      ctx,
    ))!);
  // Before a provider's console is opened: the password is read (or asked for) first; with none
  // given and no terminal to ask on, the console ways are skipped for those that need no login.
  const beforeConsole = async () => {
    beforeAsk();
    const given = typeof args['password-file'] === 'string' || typeof args['password-env'] === 'string';
    if (consolePassword === undefined && !given && !process.stdin.isTTY) return false;
    await read();
    return true;
  };
  return { read, beforeConsole };
}

/** The console to log in on: the one given with --console, else the provider way's own (if it is one). */
export function consoleOf(way: ProviderWay | undefined, consoleAt: string): ConsoleEndpoint | undefined {
  if (!way) return parseConnectUrl(consoleAt);
  return way.kind === 'console' ? way.endpoint : undefined;
}

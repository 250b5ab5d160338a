import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import type { CliContext } from './context.js';
import { readSecretFile } from './secret-input.js';

/** Where a console URL may come from: the URL itself (no secret in it), a variable, or a file. */
export interface ConsoleUrlSource {
  /** e.g. "console" for --console / --console-env / --console-file */
  option: string;
  url?: string;
  env?: string;
  file?: string;
}

/**
 * The console URL from exactly one of its sources, or undefined when none was given. A URL read
 * from a variable or a file is registered as a secret as a whole (its token or ticket too), so no
 * message, transcript or report can show it; argv-guard has already refused secrets on argv.
 */
export function consoleUrl(source: ConsoleUrlSource, ctx: Pick<CliContext, 'env'>): string | undefined {
  const given = [source.url, source.env, source.file].filter((v) => v !== undefined && v !== '');
  if (given.length > 1) {
    const o = source.option;
    throw new RescueError('usage', { message: `give only one of --${o}, --${o}-env and --${o}-file` });
  }
  if (source.url) return source.url;
  if (source.env) {
    const value = ctx.env[source.env]?.trim();
    if (!value)
      throw new RescueError('usage', { message: `the environment variable ${source.env} is not set` });
    registerSecret(value);
    return value;
  }
  if (source.file) {
    const value = readSecretFile(source.file).trim();
    if (!value) throw new RescueError('usage', { message: `${source.file} holds no console URL` });
    registerSecret(value);
    return value;
  }
  return undefined;
}

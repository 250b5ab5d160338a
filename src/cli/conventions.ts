import type { Argv } from 'yargs';
import { RescueError } from '../errors/rescue-error.js';
import { hasMessage, t, type Lang } from '../i18n/index.js';
import type { CliContext } from './context.js';

/** How results are printed: `--output json|text` (`-o`), with `--json` as its short form. */
export const OUTPUTS = ['text', 'json'] as const;
export type Output = (typeof OUTPUTS)[number];

export interface OutputFlags {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

const valueOf = (argv: readonly string[], long: string, short?: string): string | undefined => {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith(`--${long}=`)) found = arg.slice(long.length + 3);
    else if (arg === `--${long}` || (short && arg === `-${short}`)) found = argv[i + 1];
  }
  return found;
};

const hasFlag = (argv: readonly string[], long: string, short: string) => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some(
    (arg) => arg === `--${long}` || arg === `-${short}` || (/^-[a-z]+$/.test(arg) && arg.includes(short)),
  );
};

/** Read before yargs runs, so even a usage error comes out in the format asked for. */
export function outputFlags(argv: readonly string[]): OutputFlags {
  return {
    json: argv.includes('--json') || valueOf(argv, 'output', 'o') === 'json',
    quiet: hasFlag(argv, 'quiet', 'q'),
    verbose: hasFlag(argv, 'verbose', 'v'),
  };
}

/** The options every command takes, as the tools engineers know have them. */
export function conventionOptions(y: Argv, lang: Lang): Argv {
  return y
    .option('output', {
      alias: 'o',
      choices: OUTPUTS,
      describe: t(lang, 'cli.opt.output'),
      global: true,
    })
    .option('quiet', { alias: 'q', type: 'boolean', describe: t(lang, 'cli.opt.quiet'), global: true })
    .option('verbose', { alias: 'v', type: 'boolean', describe: t(lang, 'cli.opt.verbose'), global: true })
    .check((a) => {
      if (a.quiet && a.verbose)
        throw new RescueError('usage', { message: t(lang, 'cli.usage.quiet-verbose') });
      return true;
    }, true)
    .help('help', t(lang, 'cli.opt.help'))
    .alias('help', 'h');
}

/**
 * Every option described in the user's language: a command declares its options, and any option
 * with an `opt.<command>.<option>` message gets that text (the messages live beside the others in
 * src/i18n, in English and Japanese).
 */
export function describeOptions(y: Argv, command: string, ctx: Pick<CliContext, 'lang'>): Argv {
  for (const key of declaredOptions(y)) {
    const message = `opt.${command}.${key}`;
    if (hasMessage(message)) y.describe(key, t(ctx.lang, message));
  }
  return y;
}

/** The options declared so far (yargs keeps them; its type definitions do not show the method). */
export function declaredOptions(y: Argv): string[] {
  const options = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
  return Object.keys(options.key);
}

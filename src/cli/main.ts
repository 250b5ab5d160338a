import yargs from 'yargs';
import { RescueError, isRescueError } from '../errors/rescue-error.js';
import { EXIT_CODES } from '../errors/codes.js';
import { LANGS, hasMessage, langFromEnv, t, type Lang } from '../i18n/index.js';
import { refuseSecretsOnArgv } from './argv-guard.js';
import { commands } from './commands/index.js';
import type { CliContext } from './context.js';
import { packageVersion } from '../util/package-root.js';
import { mask } from '../secrets.js';
import { fullWidth } from '../i18n/ja-punctuation.js';
import { conventionOptions, describeOptions, outputFlags } from './conventions.js';

export interface MainIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Reads --lang/--json/--debug before yargs runs, so even yargs' own help and errors are localized. */
function preParse(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Pick<CliContext, 'lang' | 'json' | 'debug' | 'quiet' | 'verbose'> {
  let lang: Lang = langFromEnv(env);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg.startsWith('--lang=') ? arg.slice(7) : arg === '--lang' ? argv[i + 1] : undefined;
    if (value === 'en' || value === 'ja') lang = value;
  }
  return { lang, ...outputFlags(argv), debug: argv.includes('--debug') };
}

export function formatError(err: unknown, ctx: Pick<CliContext, 'lang' | 'json' | 'debug'>): string {
  if (isRescueError(err)) {
    const key = `error.${err.code}`;
    const text = hasMessage(key) ? t(ctx.lang, key, err.params) : err.code;
    // One style of punctuation in a Japanese line, whoever wrote the template.
    const message = ctx.lang === 'ja' ? fullWidth(text) : text;
    const hints = err.hints.map((h) => mask(ctx.lang === 'ja' ? fullWidth(h) : h));
    if (ctx.json)
      return JSON.stringify({
        ok: false,
        error: { code: err.code, message, params: err.params, ...(hints.length > 0 ? { hints } : {}) },
      });
    return [`${t(ctx.lang, 'cli.error.prefix')}${message} [${err.code}]`, ...hints.map((h) => `  ${h}`)].join(
      '\n',
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  if (ctx.json) return JSON.stringify({ ok: false, error: { code: 'internal', message } });
  const line = `${t(ctx.lang, 'cli.error.prefix')}${t(ctx.lang, 'cli.error.internal', { message })}`;
  return ctx.debug && err instanceof Error && err.stack ? `${line}\n${err.stack}` : line;
}

const commandName = (c: (typeof commands)[number]) =>
  (typeof c.command === 'string' ? c.command : c.command[0]!).split(' ')[0]!;

/**
 * `vps-rescue --provider X --host Y` means `vps-rescue rescue …`: the rescue is the default command.
 * Only when no command is named and no help or version is asked for.
 */
function withDefaultCommand(argv: readonly string[]): string[] {
  const names = commands.map(commandName);
  const asksMeta = argv.some((a) => a === '--help' || a === '-h' || a === '--version');
  const namesCommand = argv.some((a) => names.includes(a));
  // A bare `vps-rescue` shows the help, as the tools engineers know do.
  if (argv.length === 0) return ['--help'];
  return asksMeta || namesCommand ? [...argv] : ['rescue', ...argv];
}

/** The whole CLI as a function: returns the exit code instead of exiting, so tests can run it in-process. */
export async function main(rawArgv: readonly string[], io: MainIo = {}): Promise<number> {
  const argv = withDefaultCommand(rawArgv);
  const env = io.env ?? process.env;
  const ctx: CliContext = {
    ...preParse(argv, env),
    stdout: io.stdout ?? ((text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)),
    env,
  };
  let exitCode: number = EXIT_CODES.ok;
  try {
    refuseSecretsOnArgv(argv);
    let builder = yargs([...argv]);
    builder = builder
      .scriptName('vps-rescue')
      .locale(ctx.lang)
      .usage(t(ctx.lang, 'cli.description'))
      .option('json', {
        type: 'boolean',
        default: false,
        describe: t(ctx.lang, 'cli.opt.json'),
        global: true,
      })
      .option('lang', {
        choices: LANGS,
        default: ctx.lang,
        describe: t(ctx.lang, 'cli.opt.lang'),
        global: true,
      })
      .option('debug', {
        type: 'boolean',
        default: false,
        describe: t(ctx.lang, 'cli.opt.debug'),
        global: true,
      })
      .version('version', t(ctx.lang, 'cli.opt.version'), packageVersion());
    builder = conventionOptions(builder, ctx.lang)
      .strict()
      .demandCommand(1)
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new RescueError('usage', { message: message ?? 'invalid arguments' });
      });
    for (const cmd of commands) {
      builder = builder.command(
        cmd.command,
        cmd.describe(ctx),
        (y) => describeOptions(cmd.builder(y, ctx), commandName(cmd), ctx),
        async (args) => {
          exitCode = await cmd.run(args as Record<string, unknown>, ctx);
        },
      );
    }
    let printed = '';
    await builder.parseAsync([...argv], {}, (_err, _parsed, output) => {
      printed = output;
    });
    if (printed) ctx.stdout(printed);
    return exitCode;
  } catch (err) {
    ctx.stderr(formatError(err, ctx));
    return isRescueError(err) ? err.exitCode : EXIT_CODES.internal;
  }
}

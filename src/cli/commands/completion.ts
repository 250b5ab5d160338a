import yargs from 'yargs';
import { providerIds } from '../../../providers/index.js';
import { RescueError } from '../../errors/rescue-error.js';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { conventionOptions, declaredOptions } from '../conventions.js';
import type { CliCommand } from './index.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** Options main() declares for every command, besides the conventions. */
const MAIN_OPTIONS = ['json', 'lang', 'debug'];

interface CommandWords {
  name: string;
  options: string[];
  /** Values an option takes from a fixed list (choices), or the provider ids for --provider. */
  values: Record<string, string[]>;
}

async function commandWords(ctx: CliContext): Promise<CommandWords[]> {
  // Imported here: the command list includes this command.
  const { commands } = await import('./index.js');
  return commands.map((cmd) => {
    const y = cmd.builder(conventionOptions(yargs([]), ctx.lang), ctx);
    const declared = (y as unknown as { getOptions(): { choices: Record<string, string[]> } }).getOptions();
    const command = typeof cmd.command === 'string' ? cmd.command : cmd.command[0]!;
    // Positionals ([shell]) and one-letter aliases (-q) are not long options to offer.
    const positionals = [...command.matchAll(/[[<](\w+)[\]>]/g)].map((m) => m[1]);
    const options = [...new Set([...declaredOptions(y), ...MAIN_OPTIONS])]
      .filter((o) => o.length > 1 && !positionals.includes(o))
      .sort();
    const values: Record<string, string[]> = { lang: ['en', 'ja'] };
    for (const [option, choices] of Object.entries(declared.choices)) {
      if (options.includes(option)) values[option] = choices;
    }
    if (options.includes('provider')) values.provider = providerIds();
    const name = command.split(' ')[0]!;
    return { name, options, values };
  });
}

const flags = (options: string[]) => options.map((o) => `--${o}`).join(' ');

function bash(words: CommandWords[]): string {
  const rescue = words.find((w) => w.name === 'rescue')!;
  const names = words.map((w) => w.name).join(' ');
  const valueCases = [
    ...new Set(
      words.flatMap((w) => Object.entries(w.values).map(([o, v]) => `--${o}) words="${v.join(' ')}";;`)),
    ),
  ];
  return [
    '# vps-rescue completion for bash (and zsh through bashcompinit)',
    '_vps_rescue() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= words= w',
    '  case $prev in',
    ...valueCases.map((c) => `    ${c}`),
    '  esac',
    '  if [ -z "$words" ]; then',
    '    for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do',
    `      case $w in ${words.map((w) => w.name).join('|')}) cmd=$w; break;; esac`,
    '    done',
    '    case $cmd in',
    ...words.map((w) => `      ${w.name}) words="${flags(w.options)}";;`),
    `      *) words="${names} ${flags(rescue.options)}";;`,
    '    esac',
    '  fi',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    'complete -F _vps_rescue vps-rescue',
    '',
  ].join('\n');
}

function fish(words: CommandWords[]): string {
  const names = words.map((w) => w.name).join(' ');
  const lines = [
    '# vps-rescue completion for fish',
    `complete -c vps-rescue -f -n __fish_use_subcommand -a "${names}"`,
  ];
  for (const w of words) {
    const when =
      w.name === 'rescue'
        ? `not __fish_seen_subcommand_from ${names}; or __fish_seen_subcommand_from rescue`
        : `__fish_seen_subcommand_from ${w.name}`;
    for (const option of w.options) {
      const values = w.values[option];
      lines.push(
        `complete -c vps-rescue -n "${when}" -l ${option}${values ? ` -x -a "${values.join(' ')}"` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function completionScript(shell: Shell, ctx: CliContext): Promise<string> {
  const words = await commandWords(ctx);
  if (shell === 'fish') return fish(words);
  const script = bash(words);
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script;
}

/** `vps-rescue completion [bash|zsh|fish]`: `source <(vps-rescue completion)` in ~/.bashrc. */
export const completionCommand: CliCommand = {
  command: 'completion [shell]',
  describe: (ctx) => t(ctx.lang, 'completion.cmd.describe'),
  builder: (y, ctx) =>
    y.positional('shell', { choices: SHELLS, describe: t(ctx.lang, 'completion.opt.shell') }),
  run: async (args, ctx) => {
    const fromEnv = (ctx.env.SHELL ?? '').split('/').pop();
    const shell =
      (args.shell as string | undefined) ?? (SHELLS.includes(fromEnv as Shell) ? fromEnv : 'bash');
    if (!SHELLS.includes(shell as Shell))
      throw new RescueError('usage', { message: `unknown shell ${shell}` });
    ctx.stdout(await completionScript(shell as Shell, ctx));
    return 0;
  },
};

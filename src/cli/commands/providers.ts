import type { CliCommand } from './index.js';
import { t } from '../../i18n/index.js';
import { providerTable, providerTableMarkdown } from '../../../providers/index.js';
import { capabilityLabel } from '../../../providers/errors.js';

/** `vps-rescue providers`: what each vendor can do and which credentials it takes (text, --json, --markdown). */
export const providersCommand: CliCommand = {
  command: 'providers',
  describe: (ctx) => t(ctx.lang, 'providers.cmd.describe'),
  builder: (yargs, ctx) =>
    yargs.option('markdown', {
      type: 'boolean',
      default: false,
      describe: t(ctx.lang, 'providers.cmd.markdown'),
    }),
  run: async (args, ctx) => {
    const rows = providerTable();
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ ok: true, providers: rows }, null, 2));
      return 0;
    }
    if (args.markdown) {
      ctx.stdout(providerTableMarkdown(ctx.lang));
      return 0;
    }
    const lines: string[] = [];
    for (const row of rows) {
      lines.push(`${row.id}  (${row.name})`);
      const caps = row.capabilities
        .map((c) => capabilityLabel(ctx.lang, c))
        .map((label, i) =>
          row.reboots.includes(row.capabilities[i]!)
            ? t(ctx.lang, 'providers.cmd.reboots', { capability: label })
            : label,
        )
        .join(', ');
      lines.push(`  ${t(ctx.lang, 'providers.cmd.capabilities', { capabilities: caps })}`);
      const sets = row.credentials.map((set) => set.join(' + ')).join(t(ctx.lang, 'providers.table.or'));
      lines.push(`  ${t(ctx.lang, 'providers.cmd.credentials', { variables: sets })}`);
      if (row.optionalVariables.length) {
        lines.push(
          `  ${t(ctx.lang, 'providers.cmd.optional', { variables: row.optionalVariables.join(', ') })}`,
        );
      }
      lines.push(`  ${t(ctx.lang, 'providers.cmd.endpoint', { endpoint: row.endpoint })}`);
    }
    ctx.stdout(lines.join('\n'));
    return 0;
  },
};

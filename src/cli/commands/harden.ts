import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RescueError } from '../../errors/rescue-error.js';
import { harden } from '../../harden/harden.js';
import { t } from '../../i18n/index.js';
import { hardenJson, hardenMarkdown } from '../../preflight/render.js';
import { publicKeysOf, sshShell } from '../../preflight/ssh-shell.js';
import { mask } from '../../secrets.js';
import { promptSecret } from '../secret-input.js';
import { checkSshInput } from '../ssh-input.js';
import type { CliCommand } from './index.js';
import { sshOptions } from './ssh-options.js';

export const hardenCommand: CliCommand = {
  command: 'harden',
  describe: (ctx) => t(ctx.lang, 'harden.cmd.describe'),
  builder: (y) => sshOptions(y).option('confirm-within', { type: 'string' }),
  run: async (args, ctx) => {
    const input = checkSshInput(args, ctx.env, ctx.lang);
    const target = {
      host: input.host,
      port: input.port,
      user: input.user,
      credentials: input.credentials,
      hostKey: input.hostKey,
    };
    const shell = await sshShell({
      target,
      askSudoPassword: () => promptSecret(`[sudo] ${input.user}@${input.host}: `, ctx),
    });
    let result;
    try {
      result = await harden({
        shell,
        target,
        plan: input.plan,
        confirmSeconds: input.confirmSeconds,
        lang: ctx.lang,
        publicKeys: await publicKeysOf(input.credentials),
        onStep: (step, detail) => {
          if (!ctx.quiet)
            ctx.stderr(
              mask(
                `[${new Date().toISOString().slice(11, 19)}] ${t(ctx.lang, `harden.step.${step}` as never)}${detail ? `: ${detail}` : ''}`,
              ),
            );
        },
      });
    } finally {
      await shell.close();
    }
    mkdirSync(input.outDir, { recursive: true, mode: 0o700 });
    const base = join(input.outDir, `harden-${input.host.replace(/[^\w.-]/g, '_')}-${result.txId}`);
    writeFileSync(`${base}.md`, hardenMarkdown(result, ctx.lang), { mode: 0o600 });
    writeFileSync(`${base}.json`, hardenJson(result), { mode: 0o600 });
    if (ctx.json) ctx.stdout(hardenJson(result));
    else {
      if (!ctx.quiet) ctx.stdout(hardenMarkdown(result, ctx.lang));
      ctx.stdout(`${t(ctx.lang, 'harden.report-written')}: ${base}.md, ${base}.json`);
    }
    if (result.outcome === 'kept') return 0;
    if (result.outcome === 'refused')
      throw new RescueError('harden.refused', { reason: result.syntax ?? '' });
    throw new RescueError('harden.reverted', {
      user: result.user,
      host: result.host,
      cause: result.loginFailure?.cause ?? 'verify.failed',
    });
  },
};

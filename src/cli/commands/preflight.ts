import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { loadProvider } from '../../../providers/index.js';
import { RescueError, isRescueError } from '../../errors/rescue-error.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { preflight, type PreflightResult } from '../../preflight/preflight.js';
import { checklistText, preflightJson } from '../../preflight/render.js';
import { publicKeysOf, sshShell } from '../../preflight/ssh-shell.js';
import { providerWayBack, type ProviderWayBack } from '../../preflight/way-back.js';
import { mask } from '../../secrets.js';
import { promptSecret } from '../secret-input.js';
import { checkSshInput } from '../ssh-input.js';
import type { CliContext } from '../context.js';
import type { CliCommand } from './index.js';
import { sshOptions } from './ssh-options.js';

const VERDICT_ERROR = {
  lockout: 'preflight.lockout',
  'no-way-back': 'preflight.no-way-back',
  'way-back-unknown': 'preflight.way-back-unknown',
} as const;

/** The provider half of the way back: found through the API, console URL handed out, other ways offered. */
async function askProvider(
  id: string,
  host: string,
  endpoint: string | undefined,
  ctx: CliContext,
): Promise<ProviderWayBack> {
  const adapter = await loadProvider(id, {
    env: ctx.env,
    endpoint,
    lang: ctx.lang,
    readTextFile: (path) => readFile(path, 'utf8').catch(() => undefined),
  });
  return providerWayBack(adapter, isIP(host) ? { ip: host } : { name: host }, (err) =>
    mask(isRescueError(err) ? t(ctx.lang, `error.${err.code}` as MessageKey, err.params) : String(err)),
  );
}

/** Ends the run with the verdict's code (0 only when safe and a way back exists). */
export function verdictExit(r: PreflightResult): number {
  if (r.verdict === 'safe') return 0;
  throw new RescueError(VERDICT_ERROR[r.verdict], {
    user: r.user,
    host: r.host,
    cause: r.lockout?.cause ?? '',
  });
}

export const preflightCommand: CliCommand = {
  command: 'preflight',
  describe: (ctx) => t(ctx.lang, 'preflight.cmd.describe'),
  builder: (y) => sshOptions(y).option('provider', { type: 'string' }).option('endpoint', { type: 'string' }),
  run: async (args, ctx) => {
    const input = checkSshInput(args, ctx.env, ctx.lang);
    const provider = input.provider
      ? await askProvider(input.provider, input.host, input.endpoint, ctx)
      : undefined;
    const shell = await sshShell({
      target: {
        host: input.host,
        port: input.port,
        user: input.user,
        credentials: input.credentials,
        hostKey: input.hostKey,
      },
      askSudoPassword: () => promptSecret(`[sudo] ${input.user}@${input.host}: `, ctx),
    });
    let result: PreflightResult;
    try {
      result = await preflight({
        shell,
        host: input.host,
        port: input.port,
        user: input.user,
        plan: input.plan,
        publicKeys: await publicKeysOf(input.credentials),
        ...(provider ? { provider } : {}),
        lang: ctx.lang,
      });
    } finally {
      await shell.close();
    }
    // The same two files as every report: Markdown for the ticket, JSON for scripts.
    mkdirSync(input.outDir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const base = join(input.outDir, `preflight-${input.host.replace(/[^\w.-]/g, '_')}-${stamp}`);
    writeFileSync(`${base}.md`, `\`\`\`\n${checklistText(result, ctx.lang)}\n\`\`\`\n`, { mode: 0o600 });
    writeFileSync(`${base}.json`, preflightJson(result), { mode: 0o600 });
    if (ctx.json) ctx.stdout(preflightJson(result));
    else {
      ctx.stdout(checklistText(result, ctx.lang, process.stdout.isTTY === true && !ctx.env.NO_COLOR));
      if (!ctx.quiet) ctx.stdout(`${t(ctx.lang, 'harden.report-written')}: ${base}.md, ${base}.json`);
    }
    return verdictExit(result);
  },
};

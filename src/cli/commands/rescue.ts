import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleEndpoint } from '../../console/endpoint.js';
import { parseConnectUrl } from '../../console/transport/index.js';
import { RescueError } from '../../errors/rescue-error.js';
import { ACTIONS, type Action } from '../../rescue/plan.js';
import { rescue } from '../../rescue/run.js';
import type { RescueOptions, RescueResult, TimelineEntry } from '../../rescue/types.js';
import { label, stepLabel } from '../../report/labels.js';
import { jsonReport, markdownReport } from '../../report/report.js';
import { mask } from '../../secrets.js';
import { readSecret, readSecretFile } from '../secret-input.js';
import type { CliContext } from '../context.js';
import type { CliCommand } from './index.js';
import { accessFromProvider, cameNoFurther } from './rescue-provider.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function readPublicFile(path: string): string {
  // Public keys are not secret; the same reader gives a clear usage error for a missing file.
  return readSecretFile(path);
}

/** Where a generated password goes: a 0600 file if asked, else the terminal once, else a 0600 file. */
function handOver(ctx: CliContext, outDir: string, passwordOut?: string) {
  return async (user: string, password: string): Promise<string> => {
    const write = (path: string) => {
      writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
      return path;
    };
    if (passwordOut) return `file ${write(passwordOut)}`;
    if (process.stderr.isTTY) {
      // Written straight to the terminal: never through mask(), never into the report.
      process.stderr.write(`${label(ctx.lang, 'passwordShownOnce', { user, password })}\n`);
      return 'terminal (shown once)';
    }
    return `file ${write(join(outDir, `password-${user}-${Date.now()}.txt`))}`;
  };
}

function writeReports(result: RescueResult, ctx: CliContext, outDir: string, base: string): string[] {
  const md = join(outDir, `${base}.md`);
  const json = join(outDir, `${base}.json`);
  writeFileSync(md, markdownReport(result, ctx.lang), { mode: 0o600 });
  writeFileSync(json, jsonReport(result, ctx.lang), { mode: 0o600 });
  return [md, json];
}

export const rescueCommand: CliCommand = {
  command: 'rescue',
  describe: (ctx) =>
    ctx.lang === 'ja'
      ? 'ロックアウトされたサーバーを復旧する(既定のコマンド)'
      : 'rescue a locked-out server (the default command)',
  builder: (y) =>
    y
      .option('provider', { type: 'string', describe: 'provider id (see `vps-rescue providers`)' })
      .option('endpoint', {
        type: 'string',
        describe: 'provider API base URL (private clouds, the lab simulator)',
      })
      .option('console', {
        type: 'string',
        describe: 'console URL instead of a provider: ws(s)://, termproxy+wss://, ssh://, unix:, tcp://',
      })
      .option('host', {
        type: 'string',
        demandOption: true,
        describe: 'the server address (also used to verify SSH from outside)',
      })
      .option('ssh-port', { type: 'number', default: 22 })
      .option('user', { type: 'string', describe: 'the account whose SSH access is rescued' })
      .option('action', { choices: ACTIONS, default: 'auto' as Action })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'change nothing: report findings and the plan',
      })
      .option('key', { type: 'string', describe: "the customer's public key file" })
      .option('identity', {
        type: 'string',
        describe: "the customer's private key file, to verify a real key login",
      })
      .option('window', { type: 'number', default: 60, describe: 'minutes the password login stays open' })
      .option('permanent', {
        type: 'boolean',
        default: false,
        describe: 'no time limit on the password window',
      })
      .option('expire-password', {
        type: 'boolean',
        default: false,
        describe: 'a generated password must be changed at first login',
      })
      .option('console-user', { type: 'string', default: 'root' })
      .option('password-file', { type: 'string', describe: 'file holding the console password' })
      .option('password-env', {
        type: 'string',
        describe: 'environment variable holding the console password',
      })
      .option('user-password-file', {
        type: 'string',
        describe: "file holding the user's own password (verification)",
      })
      .option('user-password-env', { type: 'string' })
      .option('password-out', {
        type: 'string',
        describe: 'write a generated password to this new file (0600)',
      })
      .option('out', {
        type: 'string',
        default: 'vps-rescue-reports',
        describe: 'directory for the report and transcript',
      })
      .check((a) => {
        if (!a.provider === !a.console)
          throw new RescueError('usage', { message: 'give exactly one of --provider or --console' });
        return true;
      }),
  run: async (args, ctx) => {
    if (!args.provider === !args.console) {
      throw new RescueError('usage', { message: 'give exactly one of --provider or --console' });
    }
    if (!str(args.host)) throw new RescueError('usage', { message: 'missing --host: the server address' });
    const host = str(args.host)!;
    const outDir = str(args.out)!;
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const base = `${host.replace(/[^\w.-]/g, '_')}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`;
    // The provider steps (finding the server, choosing the way in) happen before rescue() starts its
    // time line; they are kept here and put in front of it, so the report says which way was taken.
    const early: TimelineEntry[] = [];
    const progress = (step: string, detail?: string) => {
      if (step === 'find-server' || step === 'way-in')
        early.push({ at: new Date().toISOString(), step, ...(detail ? { detail: mask(detail) } : {}) });
      if (ctx.quiet) return;
      ctx.stderr(
        mask(
          `[${new Date().toISOString().slice(11, 19)}] ${stepLabel(ctx.lang, step)}${detail ? `: ${detail}` : ''}`,
        ),
      );
    };

    const transcriptPath = join(outDir, `${base}.transcript.jsonl`);
    // Only a console login needs the console password (read once, when first needed); a guest agent
    // runs as root without one.
    let consolePassword: string | undefined;
    const readConsolePassword = async () =>
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
      const given = typeof args['password-file'] === 'string' || typeof args['password-env'] === 'string';
      if (consolePassword === undefined && !given && !process.stdin.isTTY) return false;
      await readConsolePassword();
      return true;
    };
    let way = str(args.console)
      ? undefined
      : await accessFromProvider(str(args.provider)!, host, ctx, str(args.endpoint), progress, {
          transcriptPath,
          beforeConsole,
          // Looking must not reboot the customer's server.
          mayReboot: args['dry-run'] !== true && args.action !== 'diagnose',
        });
    const userPassword = await readSecret(
      { file: args['user-password-file'], env: args['user-password-env'], prompt: '', options: '' },
      ctx,
      false,
    );
    const optionsFor = async (): Promise<RescueOptions> => {
      const endpoint: ConsoleEndpoint | undefined = !way
        ? parseConnectUrl(str(args.console)!)
        : way.kind === 'console'
          ? way.endpoint
          : undefined;
      return {
        console: endpoint,
        shell: way?.kind === 'shell' ? way.shell : undefined,
        host,
        sshPort: args['ssh-port'] as number,
        consoleUser: str(args['console-user'])!,
        consolePassword: endpoint ? await readConsolePassword() : undefined,
        user: str(args.user),
        userPassword,
        action: args.action as Action,
        dryRun: args['dry-run'] === true,
        customerKey: str(args.key) ? readPublicFile(str(args.key)!) : undefined,
        privateKey: str(args.identity) ? readSecretFile(str(args.identity)!) : undefined,
        windowMinutes: args.window as number,
        permanent: args.permanent === true,
        expirePassword: args['expire-password'] === true,
        transcriptPath,
        lang: ctx.lang,
        handOverPassword: handOver(ctx, outDir, str(args['password-out'])),
        providerOffers: way?.offers,
        onEvent: (e) =>
          e.kind === 'step'
            ? progress(e.step, e.detail)
            : ctx.verbose && ctx.stderr(mask(`  + ${e.description}`)),
      };
    };
    let result: RescueResult;
    // A way that set something up (a rescue system) is left whatever happens; leaving is idempotent.
    const release = async () => (way?.kind === 'shell' ? way.release?.() : undefined);
    try {
      for (;;) {
        try {
          result = await rescue(await optionsFor());
          break;
        } catch (err) {
          // A way that opened but did not let the rescue in (e.g. the console password is unknown):
          // nothing was changed, so the next way the vendor offers is tried.
          if (!way || !cameNoFurther(err)) throw err;
          await release();
          way = await way.next(err);
        }
      }
    } finally {
      await release();
    }
    // In time order: leaving a rescue system happens during the rescue, on the provider's lines.
    result.timeline = [...early, ...result.timeline].sort((a, b) => a.at.localeCompare(b.at));
    const files = writeReports(result, ctx, outDir, base);
    if (ctx.json) ctx.stdout(jsonReport(result, ctx.lang));
    else {
      if (!ctx.quiet) ctx.stdout(markdownReport(result, ctx.lang));
      ctx.stdout(`${label(ctx.lang, 'reportWritten')}: ${files.join(', ')}`);
    }
    if (!result.ok) {
      throw new RescueError('verify.failed', {
        host,
        user: result.user,
        reason:
          result.verification?.login?.detail ??
          (result.verification?.reachable === false ? 'port closed' : 'login refused'),
      });
    }
    return 0;
  },
};

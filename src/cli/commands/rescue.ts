import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleUrl } from '../console-url.js';
import { RescueError } from '../../errors/rescue-error.js';
import { ACTIONS, type Action } from '../../rescue/plan.js';
import { rescue, resultOfFailure } from '../../rescue/run.js';
import type { RescueOptions, RescueResult, TimelineEntry } from '../../rescue/types.js';
import { label, stepLabel } from '../../report/labels.js';
import { InterruptedError } from '../../rescue/interruption.js';
import { withInterrupts } from '../interrupt.js';
import { jsonReport, markdownReport, type ReportView } from '../../report/report.js';
import { formatTime } from '../../report/time.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { fullWidth } from '../../i18n/ja-punctuation.js';
import { customerTry, wayOf } from '../../rescue/proof.js';
import { mask } from '../../secrets.js';
import { readSecret } from '../secret-input.js';
import { consoleOf, consolePasswordSource } from './console-access.js';
import { confirmer } from '../confirm.js';
import { checkRescueInput } from '../validate.js';
import type { CliContext } from '../context.js';
import type { CliCommand } from './index.js';
import { accessFromProvider, cameNoFurther } from '../../rescue/way-in.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Where a generated password goes: a 0600 file if asked, else the terminal once, else a 0600 file. */
function handOver(ctx: CliContext, outDir: string, passwordOut?: string) {
  return async (user: string, password: string): Promise<string> => {
    const write = (path: string) => {
      writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
      return path;
    };
    if (passwordOut) {
      try {
        return `file ${write(passwordOut)}`;
      } catch {
        // The password is already set on the server: losing it is worse than a second place for it.
        // (The file was checked before the run; something made it meanwhile.)
      }
    }
    if (process.stderr.isTTY) {
      // Written straight to the terminal: never through mask(), never into the report.
      process.stderr.write(`${label(ctx.lang, 'passwordShownOnce', { user, password })}\n`);
      return 'terminal (shown once)';
    }
    return `file ${write(join(outDir, `password-${user}-${Date.now()}.txt`))}`;
  };
}

function writeReports(result: RescueResult, view: ReportView, outDir: string, base: string): string[] {
  const md = join(outDir, `${base}.md`);
  const json = join(outDir, `${base}.json`);
  writeFileSync(md, markdownReport(result, view), { mode: 0o600 });
  writeFileSync(json, jsonReport(result, view.lang), { mode: 0o600 });
  return [md, json];
}

const opt = (ctx: CliContext, name: string) => {
  const text = t(ctx.lang, `cli.rescue.opt.${name}` as MessageKey);
  return ctx.lang === 'ja' ? fullWidth(text) : text;
};

export const rescueCommand: CliCommand = {
  command: 'rescue',
  describe: (ctx) => t(ctx.lang, 'cli.rescue.describe'),
  // Values are read as strings and checked in validate.ts, so "--window abc" is a usage error there
  // rather than a NaN here; nothing has a default that would hide whether it was given.
  builder: (y, ctx) =>
    y
      .option('provider', { type: 'string', describe: opt(ctx, 'provider') })
      .option('endpoint', { type: 'string', describe: opt(ctx, 'endpoint') })
      .option('console', { type: 'string', describe: opt(ctx, 'console') })
      .option('console-env', { type: 'string', describe: opt(ctx, 'console-env') })
      .option('console-file', { type: 'string', describe: opt(ctx, 'console-file') })
      .option('host', { type: 'string', demandOption: true, describe: opt(ctx, 'host') })
      .option('ssh-port', { type: 'string', describe: opt(ctx, 'ssh-port') })
      .option('user', { type: 'string', describe: opt(ctx, 'user') })
      .option('action', { choices: ACTIONS, default: 'auto' as Action, describe: opt(ctx, 'action') })
      .option('dry-run', { type: 'boolean', describe: opt(ctx, 'dry-run') })
      .option('key', { type: 'string', describe: opt(ctx, 'key') })
      .option('identity', { type: 'string', describe: opt(ctx, 'identity') })
      .option('window', { type: 'string', describe: opt(ctx, 'window') })
      .option('permanent', { type: 'boolean', describe: opt(ctx, 'permanent') })
      .option('expire-password', { type: 'boolean', describe: opt(ctx, 'expire-password') })
      .option('reset-password', { type: 'boolean', describe: opt(ctx, 'reset-password') })
      .option('yes', { type: 'boolean', describe: opt(ctx, 'yes') })
      .option('console-user', { type: 'string', describe: opt(ctx, 'console-user') })
      .option('password-file', { type: 'string', describe: opt(ctx, 'password-file') })
      .option('password-env', { type: 'string', describe: opt(ctx, 'password-env') })
      .option('user-password-file', { type: 'string', describe: opt(ctx, 'user-password-file') })
      .option('user-password-env', { type: 'string', describe: opt(ctx, 'user-password-env') })
      .option('password-out', { type: 'string', describe: opt(ctx, 'password-out') })
      .option('out', { type: 'string', describe: opt(ctx, 'out'), defaultDescription: 'vps-rescue-reports' })
      .option('tz', { type: 'string', describe: opt(ctx, 'tz') }),
  run: async (args, ctx) => {
    // Everything is checked before a provider is asked or a console opened (validate.ts).
    // A console URL with a token comes from a variable or a file (never argv); it is then checked as one.
    const consoleAt = consoleUrl(
      {
        option: 'console',
        url: str(args.console),
        env: str(args['console-env']),
        file: str(args['console-file']),
      },
      ctx,
    );
    const input = checkRescueInput({ ...args, console: consoleAt }, ctx.env, {
      lang: ctx.lang,
      interactive: process.stdin.isTTY === true,
    });
    const { host, outDir } = input;
    // The report folder is made only once the run reaches the server: an error before leaves nothing.
    const ensureOut = () => mkdirSync(outDir, { recursive: true, mode: 0o700 });
    // Progress lines carry the time of day in the same zone as the report (JST for ja by default).
    const clock = () =>
      formatTime(new Date().toISOString(), { lang: ctx.lang, timeZone: input.timeZone }).slice(11);
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
          `[${clock()}] ${stepLabel(ctx.lang, step)}${detail ? `${ctx.lang === 'ja' ? '：' : ': '}${detail}` : ''}`,
        ),
      );
    };

    const transcriptPath = join(outDir, `${base}.transcript.jsonl`);
    const consolePassword = consolePasswordSource(args, ctx, ensureOut);
    let way = consoleAt
      ? undefined
      : await accessFromProvider(str(args.provider)!, host, ctx, str(args.endpoint), progress, {
          transcriptPath,
          beforeConsole: consolePassword.beforeConsole,
          beforeOpen: ensureOut,
          // Looking must not reboot the customer's server.
          mayReboot: args['dry-run'] !== true && args.action !== 'diagnose',
        });
    const userPassword = await readSecret(
      { file: args['user-password-file'], env: args['user-password-env'], prompt: '', options: '' },
      ctx,
      false,
    );
    const optionsFor = async (): Promise<RescueOptions> => {
      ensureOut();
      const endpoint = consoleOf(way, consoleAt!);
      return {
        console: endpoint,
        shell: way?.kind === 'shell' ? way.shell : undefined,
        host,
        sshPort: input.sshPortNamed ? input.sshPort : undefined,
        consoleUser: input.consoleUser,
        consolePassword: endpoint ? await consolePassword.read() : undefined,
        user: input.user,
        userPassword,
        action: input.action,
        dryRun: args['dry-run'] === true,
        customerKey: input.customerKey,
        privateKey: input.privateKey,
        windowMinutes: input.windowMinutes,
        permanent: input.permanent,
        expirePassword: args['expire-password'] === true,
        resetPassword: input.resetPassword,
        confirmAccountChange: confirmer(ctx, args.yes === true),
        transcriptPath,
        lang: ctx.lang,
        handOverPassword: handOver(ctx, outDir, input.passwordOut),
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
      result = await withInterrupts({ lang: ctx.lang, stderr: ctx.stderr }, async (signal) => {
        for (;;) {
          try {
            return await rescue({ ...(await optionsFor()), signal });
          } catch (err) {
            // Interrupted: the report as far as the rescue got, then the line with the server's state.
            if (err instanceof InterruptedError) writeReports(err.partial, ctx, outDir, base);
            // A rescue that failed or rolled back after logging in still leaves its report for the ticket.
            const failed = resultOfFailure(err);
            if (failed) {
              failed.timeline = [...early, ...failed.timeline].sort((a, b) => a.at.localeCompare(b.at));
              const files = writeReports(failed, ctx, outDir, base);
              ctx.stderr(`${label(ctx.lang, 'reportWritten')}: ${files.join(', ')}`);
              throw err;
            }
            // A way that opened but did not let the rescue in (e.g. the console password is unknown):
            // nothing was changed, so the next way the vendor offers is tried.
            if (!way || !cameNoFurther(err) || signal.aborted) throw err;
            await release();
            way = await way.next(err);
          }
        }
      });
    } finally {
      await release();
    }
    // In time order: leaving a rescue system happens during the rescue, on the provider's lines.
    result.timeline = [...early, ...result.timeline].sort((a, b) => a.at.localeCompare(b.at));
    const view = { lang: ctx.lang, timeZone: input.timeZone };
    const files = writeReports(result, view, outDir, base);
    if (ctx.json) ctx.stdout(jsonReport(result, ctx.lang));
    else {
      if (!ctx.quiet) ctx.stdout(markdownReport(result, view));
      ctx.stdout(
        ctx.lang === 'ja'
          ? `${label(ctx.lang, 'reportWritten')}：${files.join('、')}`
          : `${label(ctx.lang, 'reportWritten')}: ${files.join(', ')}`,
      );
    }
    if (!result.ok && result.verification?.proof === 'not-proven') {
      throw new RescueError('verify.not-proven', {
        host,
        user: result.user,
        reason: result.verification.login?.detail ?? 'no login could be tried',
        next: customerTry({
          user: result.user,
          host,
          port: result.sshPort ?? input.sshPort,
          way: wayOf(result.verification),
        }),
      });
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

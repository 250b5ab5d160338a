import { RescueError } from '../../errors/rescue-error.js';
import { t, type Lang } from '../../i18n/index.js';
import { stepLabel } from '../../report/labels.js';
import {
  closeWindow,
  extendWindow,
  listWindows,
  NOTABLE_SKEW_SECONDS,
  WINDOW_MAX_MINUTES,
  withServerShell,
  type ListedWindow,
  type WindowAccess,
  type WindowListing,
} from '../../rescue/window-admin.js';
import { assertWindowUser } from '../../rescue/window-closer.js';
import { mask } from '../../secrets.js';
import { consoleOf, consolePasswordSource } from './console-access.js';
import type { CliCommand } from './index.js';
import { accessFromProvider, cameNoFurther, type ProviderWay } from '../../rescue/way-in.js';

const OPS = ['list', 'close', 'extend'] as const;
type WindowOp = (typeof OPS)[number];

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Input checked before the server is touched: one line and the usage exit code for each mistake. */
function checkInput(
  args: Record<string, unknown>,
  lang: Lang,
): { op: WindowOp; user?: string; minutes?: number } {
  const op = args.op as WindowOp;
  if (!OPS.includes(op))
    throw new RescueError('usage', { message: t(lang, 'window.need-op', { ops: OPS.join(', ') }) });
  if (!args.provider === !args.console)
    throw new RescueError('usage', { message: 'give exactly one of --provider or --console' });
  if (!str(args.host)) throw new RescueError('usage', { message: 'missing --host: the server address' });
  const user = str(args.user);
  if (op !== 'list') {
    if (!user) throw new RescueError('usage', { message: t(lang, 'window.need-user', { op }) });
    assertWindowUser(user);
  }
  if (op !== 'extend') return { op, user };
  const minutes = args.minutes;
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < 1 ||
    minutes > WINDOW_MAX_MINUTES
  )
    throw new RescueError('usage', { message: t(lang, 'window.need-minutes', { max: WINDOW_MAX_MINUTES }) });
  return { op, user, minutes };
}

function listingText(l: WindowListing, lang: Lang): string[] {
  const out =
    Math.abs(l.skewSeconds) > NOTABLE_SKEW_SECONDS
      ? [
          t(lang, 'window.list.skew', {
            time: l.serverTime,
            skew: Math.round(Math.abs(l.skewSeconds) / 60),
            direction: t(lang, l.skewSeconds > 0 ? 'window.list.ahead' : 'window.list.behind'),
          }),
        ]
      : [t(lang, 'window.list.clock', { time: l.serverTime })];
  if (l.windows.length === 0) return [...out, t(lang, 'window.list.none')];
  const row = (w: ListedWindow) => {
    const params = {
      user: w.user,
      opened: w.opened ?? '?',
      until: w.until ?? '?',
      armed: t(lang, `window.armed.${w.armed}`),
      where: t(lang, `window.where.${w.where}`),
    };
    if (w.where === 'legacy') return t(lang, 'window.list.row-legacy', params);
    return t(lang, w.armed === 'permanent' ? 'window.list.row-permanent' : 'window.list.row', params);
  };
  return [...out, ...l.windows.map(row)];
}

export const windowCommand: CliCommand = {
  command: 'window <op>',
  describe: (ctx) => t(ctx.lang, 'window.cmd.describe'),
  builder: (y, ctx) =>
    y
      .positional('op', { type: 'string', describe: t(ctx.lang, 'window.opt.op') })
      .option('provider', { type: 'string', describe: t(ctx.lang, 'window.opt.provider') })
      .option('endpoint', { type: 'string', describe: t(ctx.lang, 'window.opt.endpoint') })
      .option('console', { type: 'string', describe: t(ctx.lang, 'window.opt.console') })
      .option('host', { type: 'string', demandOption: true, describe: t(ctx.lang, 'window.opt.host') })
      .option('user', { type: 'string', describe: t(ctx.lang, 'window.opt.user') })
      .option('minutes', {
        type: 'number',
        describe: t(ctx.lang, 'window.opt.minutes', { max: WINDOW_MAX_MINUTES }),
      })
      .option('console-user', {
        type: 'string',
        default: 'root',
        describe: t(ctx.lang, 'window.opt.console-user'),
      })
      .option('password-file', { type: 'string', describe: t(ctx.lang, 'window.opt.password-file') })
      .option('password-env', { type: 'string', describe: t(ctx.lang, 'window.opt.password-env') }),
  run: async (args, ctx) => {
    const input = checkInput(args, ctx.lang);
    const host = str(args.host)!;
    const progress = (step: string, detail?: string) =>
      ctx.stderr(mask(`${stepLabel(ctx.lang, step)}${detail ? `: ${detail}` : ''}`));
    const consolePassword = consolePasswordSource(args, ctx);
    // Listing or closing a window never reboots the server into a rescue system.
    let way: ProviderWay | undefined = str(args.console)
      ? undefined
      : await accessFromProvider(str(args.provider)!, host, ctx, str(args.endpoint), progress, {
          beforeConsole: consolePassword.beforeConsole,
          mayReboot: false,
        });
    const access = async (): Promise<WindowAccess> => {
      const endpoint = consoleOf(way, str(args.console)!);
      return {
        host,
        console: endpoint,
        shell: way?.kind === 'shell' ? way.shell : undefined,
        consoleUser: str(args['console-user']) ?? 'root',
        consolePassword: endpoint ? await consolePassword.read() : undefined,
        providerOffers: way?.offers,
        lang: ctx.lang,
        onStep: progress,
      };
    };
    for (;;) {
      try {
        return await withServerShell(await access(), async (shell) => {
          if (input.op === 'list') {
            const listing = await listWindows(shell);
            ctx.stdout(
              ctx.json ? JSON.stringify({ ok: true, ...listing }) : listingText(listing, ctx.lang).join('\n'),
            );
          } else if (input.op === 'close') {
            await closeWindow(shell, input.user!);
            ctx.stdout(
              ctx.json
                ? JSON.stringify({ ok: true, user: input.user, closed: true })
                : t(ctx.lang, 'window.closed', { user: input.user! }),
            );
          } else {
            const until = await extendWindow(shell, input.user!, input.minutes!);
            ctx.stdout(
              ctx.json
                ? JSON.stringify({ ok: true, user: input.user, until })
                : t(ctx.lang, 'window.extended', { user: input.user!, until }),
            );
          }
          return 0;
        });
      } catch (err) {
        // As in a rescue: a way that opened but did not let us in is followed by the next one.
        if (!way || !cameNoFurther(err)) throw err;
        way = await way.next(err);
      }
    }
  },
};

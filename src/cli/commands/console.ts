import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { loadProvider } from '../../../providers/index.js';
import type { ConsoleEndpoint } from '../../console/endpoint.js';
import { VncTransport } from '../../console/vnc/vnc-transport.js';
import { RescueError } from '../../errors/rescue-error.js';
import { openProviderConsole } from '../../rescue/console-way.js';
import { stepLabel } from '../../report/labels.js';
import type { CliContext } from '../context.js';
import { t } from '../../i18n/index.js';
import { mask, registerSecret } from '../../secrets.js';
import { describeEndpoint } from '../../console/endpoint.js';
import { passthrough, type PassthroughIo } from '../../console/passthrough.js';
import { openTransport, parseConnectUrl } from '../../console/transport/index.js';
import type { CliCommand } from './index.js';
import { consoleUrl } from '../console-url.js';
import { promptSecret, readSecretFile } from '../secret-input.js';

/** Test seam: where the passthrough reads and writes (the real terminal by default). */
export const consoleIo: { get: () => PassthroughIo } = {
  get: () => ({ input: process.stdin, output: process.stdout }),
};

export const consoleCommand: CliCommand = {
  command: 'console',
  describe: (ctx) => t(ctx.lang, 'console.cmd.describe'),
  builder: (yargs, ctx) =>
    yargs
      .option('connect', { type: 'string', describe: t(ctx.lang, 'console.opt.connect') })
      .option('connect-env', { type: 'string', describe: t(ctx.lang, 'console.opt.connect-env') })
      .option('connect-file', { type: 'string', describe: t(ctx.lang, 'console.opt.connect-file') })
      .option('password-file', { type: 'string', describe: t(ctx.lang, 'console.opt.password-file') })
      .option('password-env', { type: 'string', describe: t(ctx.lang, 'console.opt.password-env') })
      .option('identity', { type: 'string', describe: t(ctx.lang, 'console.opt.identity') })
      .option('provider', { type: 'string', describe: t(ctx.lang, 'console.opt.provider') })
      .option('host', { type: 'string', describe: t(ctx.lang, 'console.opt.host') })
      .option('endpoint', { type: 'string', describe: t(ctx.lang, 'console.opt.endpoint') })
      .option('watch', { type: 'boolean', default: false, describe: t(ctx.lang, 'console.opt.watch') }),
  run: async (args, ctx) => {
    const provider = args.provider as string | undefined;
    const given = ['connect', 'connect-env', 'connect-file'].some((k) => args[k] !== undefined);
    if (provider && given) {
      throw new RescueError('usage', { message: t(ctx.lang, 'console.connect-and-provider') });
    }
    if (provider) return providerConsole(provider, args, ctx);
    const url = consoleUrl(
      {
        option: 'connect',
        url: args.connect as string | undefined,
        env: args['connect-env'] as string | undefined,
        file: args['connect-file'] as string | undefined,
      },
      ctx,
    );
    if (!url) throw new RescueError('usage', { message: t(ctx.lang, 'console.need-connect-or-provider') });
    let password: string | undefined;
    if (args['password-file']) password = readSecretFile(args['password-file'] as string);
    else if (args['password-env']) password = ctx.env[args['password-env'] as string];
    const privateKey = args.identity ? readSecretFile(args.identity as string) : undefined;
    let endpoint = parseConnectUrl(url, { password, privateKey });
    if (endpoint.kind === 'serial-ssh' && password === undefined && privateKey === undefined) {
      password = await promptSecret(
        t(ctx.lang, 'console.password-prompt', { target: describeEndpoint(endpoint) }),
        ctx,
      );
      endpoint = parseConnectUrl(url, { password, privateKey });
    }
    registerSecret(password);
    return attach(endpoint, args.watch === true, ctx);
  },
};

/** `--provider X --host Y`: the provider's console for that server, opened as a rescue opens it. */
async function providerConsole(
  provider: string,
  args: Record<string, unknown>,
  ctx: CliContext,
): Promise<number> {
  const host = args.host as string | undefined;
  if (!host) throw new RescueError('usage', { message: 'missing --host: the server address' });
  const adapter = await loadProvider(provider, {
    env: ctx.env,
    endpoint: args.endpoint as string | undefined,
    lang: ctx.lang,
    readTextFile: (path) => readFile(path, 'utf8').catch(() => undefined),
  });
  const server = await adapter.findServer(isIP(host) ? { ip: host } : { name: host });
  const progress = (step: string, detail?: string) => {
    if (!ctx.quiet) ctx.stderr(mask(`${stepLabel(ctx.lang, step)}${detail ? `: ${detail}` : ''}`));
  };
  progress('find-server', `${server.name} (${server.id}, ${server.status})`);
  const opened = await openProviderConsole(adapter, server, { lang: ctx.lang, progress });
  return attach(opened.endpoint, args.watch === true, ctx);
}

/** Watch (read-only) or take over the console until Ctrl-] (or, watching, Ctrl-C) or until it closes. */
async function attach(endpoint: ConsoleEndpoint, watch: boolean, ctx: CliContext): Promise<number> {
  // Watching types nothing, not even the VNC keyboard layout probe.
  const transport =
    endpoint.kind === 'vnc-ws'
      ? await VncTransport.open(endpoint, { detectLayout: !watch })
      : await openTransport(endpoint);
  const shown = { endpoint: mask(describeEndpoint(endpoint)) };
  ctx.stderr(t(ctx.lang, watch ? 'console.watching' : 'console.connected', shown));
  const end = await passthrough(transport, { ...consoleIo.get(), readOnly: watch });
  await transport.close();
  if (end.by === 'escape') {
    ctx.stderr(t(ctx.lang, 'console.ended-escape'));
    return 0;
  }
  ctx.stderr(t(ctx.lang, 'console.ended-closed', { reason: mask(end.reason) }));
  return 0;
}

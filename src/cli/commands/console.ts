import { RescueError } from '../../errors/rescue-error.js';
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
      .option('identity', { type: 'string', describe: t(ctx.lang, 'console.opt.identity') }),
  run: async (args, ctx) => {
    const url = consoleUrl(
      {
        option: 'connect',
        url: args.connect as string | undefined,
        env: args['connect-env'] as string | undefined,
        file: args['connect-file'] as string | undefined,
      },
      ctx,
    );
    if (!url) throw new RescueError('usage', { message: t(ctx.lang, 'console.need-connect') });
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
    const transport = await openTransport(endpoint);
    ctx.stderr(t(ctx.lang, 'console.connected', { endpoint: mask(describeEndpoint(endpoint)) }));
    const end = await passthrough(transport, consoleIo.get());
    await transport.close();
    if (end.by === 'escape') {
      ctx.stderr(t(ctx.lang, 'console.ended-escape'));
      return 0;
    }
    ctx.stderr(t(ctx.lang, 'console.ended-closed', { reason: mask(end.reason) }));
    return 0;
  },
};

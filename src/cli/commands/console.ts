import { readFileSync } from 'node:fs';
import { RescueError } from '../../errors/rescue-error.js';
import { t } from '../../i18n/index.js';
import { mask, registerSecret } from '../../secrets.js';
import { describeEndpoint } from '../../console/endpoint.js';
import { passthrough, type PassthroughIo } from '../../console/passthrough.js';
import { openTransport, parseConnectUrl } from '../../console/transport/index.js';
import type { CliContext } from '../context.js';
import type { CliCommand } from './index.js';

function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new RescueError('usage', { message: `cannot read ${path}: ${(err as Error).message}` });
  }
}

/** A password typed at the terminal with echo off; only when stdin is a terminal. */
function promptSecret(prompt: string, ctx: CliContext): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY) return Promise.resolve(undefined);
  ctx.stderr(prompt);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\x03') {
          input.off('data', onData);
          input.setRawMode(false);
          input.pause();
          ctx.stderr('\n');
          resolve(ch === '\x03' ? undefined : value);
          return;
        }
        value = ch === '\x7f' ? value.slice(0, -1) : value + ch;
      }
    };
    input.on('data', onData);
  });
}

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
      .option('password-file', { type: 'string', describe: t(ctx.lang, 'console.opt.password-file') })
      .option('password-env', { type: 'string', describe: t(ctx.lang, 'console.opt.password-env') })
      .option('identity', { type: 'string', describe: t(ctx.lang, 'console.opt.identity') }),
  run: async (args, ctx) => {
    const envName = args['connect-env'] as string | undefined;
    const url = (args.connect as string | undefined) ?? (envName ? ctx.env[envName] : undefined);
    if (!url) throw new RescueError('usage', { message: t(ctx.lang, 'console.need-connect') });
    if (envName) registerSecret(url);
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

import { readFileSync } from 'node:fs';
import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import type { CliContext } from './context.js';

/** Secrets come from a file, an environment variable or the terminal — never from argv. */
export function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new RescueError('usage', { message: `cannot read ${path}: ${(err as Error).message}` });
  }
}

/** A password typed at the terminal with echo off; only when stdin is a terminal. */
export function promptSecret(prompt: string, ctx: CliContext): Promise<string | undefined> {
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

export interface SecretSource {
  file?: unknown;
  env?: unknown;
  prompt: string;
  /** the options to name in the error when none is given */
  options: string;
}

/** Reads one secret from --x-file, --x-env or the terminal, registers it for masking, or fails clearly. */
export async function readSecret(
  src: SecretSource,
  ctx: CliContext,
  required = true,
): Promise<string | undefined> {
  let value: string | undefined;
  if (typeof src.file === 'string') value = readSecretFile(src.file);
  else if (typeof src.env === 'string') {
    value = ctx.env[src.env];
    if (value === undefined)
      throw new RescueError('usage', { message: `environment variable ${src.env} is not set` });
  } else if (required) value = await promptSecret(src.prompt, ctx);
  if (value === undefined && required) {
    throw new RescueError('usage', {
      message: `no password: give ${src.options}, or run on a terminal to be asked`,
    });
  }
  registerSecret(value);
  return value;
}

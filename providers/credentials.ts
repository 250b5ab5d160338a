import { registerSecret } from '../src/secrets.js';
import type { ProviderContext } from './types.js';

/**
 * Reading credentials from the environment object the CLI passes in (never process.env directly).
 * Every secret is registered with the masker the moment it is read.
 */
export type Env = ProviderContext['env'];

export function envValue(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

export function envSecret(env: Env, ...names: string[]): string | undefined {
  const value = envValue(env, ...names);
  registerSecret(value);
  return value;
}

export function envFlag(env: Env, name: string): boolean {
  return /^(1|true|yes|on)$/i.test(env[name]?.trim() ?? '');
}

/** --endpoint wins over the vendor's variable, which wins over the public default. */
export function baseUrl(ctx: ProviderContext, fallback: string, ...envNames: string[]): string {
  return (ctx.endpoint ?? envValue(ctx.env, ...envNames) ?? fallback).replace(/\/+$/, '');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, at ctx.pollIntervalMs (default 2 s), at most `attempts` times. */
export async function pollUntil<T>(
  ctx: ProviderContext,
  attempts: number,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  for (let i = 0; i < attempts; i++) {
    const result = await check();
    if (result !== undefined) return result;
    await sleep(ctx.pollIntervalMs ?? 2000);
  }
  return undefined;
}

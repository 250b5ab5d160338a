import { readFileSync } from 'node:fs';

/** A JSON fixture from the `fixtures/` folder beside the calling test file. */
export function fixture<T = Record<string, unknown>>(testFileUrl: string, name: string): T {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}`, testFileUrl), 'utf8')) as T;
}

/** Awaits a promise that must reject with a RescueError of `code`; returns the error for more checks. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
): Promise<{ code: string; params: Record<string, string | number> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: unknown; params?: Record<string, string | number> };
    if (e.code !== code)
      throw new Error(`expected error code ${code}, got ${String(e.code)}: ${String(err)}`);
    return { code, params: e.params ?? {} };
  }
  throw new Error(`expected error code ${code}, but the promise resolved`);
}

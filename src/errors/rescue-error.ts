import { exitCodeFor } from './codes.js';

export type ErrorParams = Record<string, string | number>;

/**
 * A known failure: printed as one localized line (message key `error.<code>`) with its own exit code.
 * `params` fill the message template; they must never hold a secret. `hints` (already localized) are
 * printed on the lines after it: what else may help, kept out of the sentence that names the cause.
 */
export class RescueError extends Error {
  readonly code: string;
  readonly params: ErrorParams;
  readonly exitCode: number;
  readonly hints: readonly string[];

  constructor(code: string, params: ErrorParams = {}, options?: { cause?: unknown; hints?: string[] }) {
    super(`${code}: ${JSON.stringify(params)}`, options);
    this.name = 'RescueError';
    this.code = code;
    this.params = params;
    this.exitCode = exitCodeFor(code);
    this.hints = options?.hints ?? [];
  }
}

export function isRescueError(err: unknown): err is RescueError {
  return err instanceof RescueError;
}

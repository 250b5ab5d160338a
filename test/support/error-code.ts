import { isRescueError } from '../../src/errors/rescue-error.js';

/**
 * The stable code a promise fails with, for assertions on codes rather than messages: 'ok' when it
 * resolves; anything that is not a RescueError is rethrown, so the test shows the real failure.
 */
export async function errorCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (isRescueError(err)) return err.code;
    throw err;
  }
}

import { createInterface } from 'node:readline/promises';
import { RescueError } from '../errors/rescue-error.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { AccountChange } from '../rescue/types.js';
import type { CliContext } from './context.js';

function describeChange(ctx: CliContext, change: AccountChange): string {
  return t(ctx.lang, `cli.change.${change.kind}` as MessageKey, { user: change.user, host: change.host });
}

/**
 * The confirmation of a change to accounts: --yes answers it (and the change is still said); on a
 * terminal the operator is asked; with neither, the change is refused in one line.
 */
export function confirmer(
  ctx: CliContext,
  yes: boolean,
  stdin: NodeJS.ReadStream = process.stdin,
): (change: AccountChange) => Promise<void> {
  return async (change) => {
    const text = describeChange(ctx, change);
    if (yes) {
      ctx.stderr(text);
      return;
    }
    const state =
      change.before.length === 0
        ? t(ctx.lang, 'cli.state.unchanged')
        : t(ctx.lang, 'cli.state.partly', { changes: change.before.join(', ') });
    if (!stdin.isTTY) throw new RescueError('usage.confirm-needed', { change: text, state });
    const rl = createInterface({ input: stdin, output: process.stderr });
    try {
      const answer = await rl.question(t(ctx.lang, 'cli.confirm.question', { change: text }));
      if (!/^(y|yes|はい)$/i.test(answer.trim()))
        throw new RescueError('usage.declined', { change: text, state });
    } finally {
      rl.close();
    }
  };
}

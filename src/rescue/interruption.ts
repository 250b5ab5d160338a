import { RescueError } from '../errors/rescue-error.js';
import { t, type Lang } from '../i18n/index.js';
import type { ServerShell } from './server-shell.js';
import { BACKUP_ROOT } from './transaction.js';
import type { AppliedChange, RescueResult } from './types.js';

/** rescue.interrupted, with the report as far as the rescue got (the CLI writes it). */
export class InterruptedError extends RescueError {
  constructor(
    params: { signal: string; state: string },
    readonly partial: RescueResult,
  ) {
    super('rescue.interrupted', params);
  }
}

/**
 * What an interrupted rescue knows about the server: the transactions it started and how each ended.
 * A transaction that was started is never cut from our side (its script ignores hangups and is
 * waited for up to its own bound), so "pending" only remains when the console itself failed.
 */
export class TransactionLedger {
  private pending: string | undefined;

  constructor(private readonly changes: readonly AppliedChange[]) {}

  started(txId: string): void {
    this.pending = txId;
  }

  ended(): void {
    this.pending = undefined;
  }

  /** One sentence: unchanged / applied / rolled back / unknown, with what to check. */
  describe(lang: Lang): string {
    const backup = (tx: string) => `${BACKUP_ROOT}/${tx}`;
    if (this.pending)
      return t(lang, 'rescue.state.unknown', { tx: this.pending, backup: backup(this.pending) });
    const applied = this.changes.filter((c) => c.status === 'ok');
    if (applied.length > 0) {
      const last = applied[applied.length - 1]!;
      return t(lang, 'rescue.state.applied', {
        tx: applied.map((c) => c.txId).join(', '),
        backup: backup(last.txId),
      });
    }
    const rolled = this.changes.filter((c) => c.status === 'rolled-back' || c.status === 'failed');
    if (rolled.length > 0) {
      return t(lang, 'rescue.state.rolled-back', { tx: rolled.map((c) => c.txId).join(', ') });
    }
    return t(lang, 'rescue.state.unchanged');
  }
}

/** The signal's reason, when it is one of ours: which signal stopped the run. */
export function signalName(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof RescueError && typeof reason.params.signal === 'string') return reason.params.signal;
  return 'SIGINT';
}

/**
 * The shell as the rescue uses it once interrupted: nothing new starts (a transaction that already
 * started is still waited for by its own call), and console waits are cut short by the signal.
 */
export function interruptibleShell(
  shell: ServerShell,
  signal: AbortSignal,
  ledger: TransactionLedger,
): ServerShell {
  let closed: Promise<void> | undefined;
  const stop = () => {
    if (signal.aborted) throw signal.reason;
  };
  return {
    get via() {
      return shell.via;
    },
    get counters() {
      return shell.counters;
    },
    get offline() {
      return shell.offline;
    },
    run: (cmd, opts) => {
      stop();
      return shell.run(cmd, { ...opts, signal });
    },
    runScript: async (req) => {
      stop();
      if (req.transaction === undefined) return shell.runScript({ ...req, signal });
      // Once typed, a transaction runs to its end on the server whatever happens here: its result
      // is waited for (up to the script's own timeout), not abandoned.
      ledger.started(req.transaction);
      const r = await shell.runScript(req);
      ledger.ended();
      return r;
    },
    // The offline flow closes early (to boot the server's own system) and the rescue closes again.
    close: () => (closed ??= shell.close()),
  };
}

/** A promise that rejects with the signal's reason once it is aborted (for waits that take no signal). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const STATE_LINE = /^(\S+)\/state:([\w-]+)$/;

/**
 * Transactions of an earlier run that never finished: their state file still says `applying` and no
 * transaction script of ours runs now (the backup directory is root's, made with umask 077). The
 * query can run ahead of another command (the collector's): parseUnfinished reads its lines.
 */
export const UNFINISHED_QUERY = `for f in ${BACKUP_ROOT}/*/state;do [ -f "$f" ]&&[ ! -L "$f" ]&&echo "$f:$(head -c 20 "$f")";done;grep -ls 'vps-rescue/[t]-' /proc/[0-9]*/cmdline|head -n1`;

export async function unfinishedTransactions(shell: ServerShell): Promise<string[]> {
  const r = await shell.run(UNFINISHED_QUERY);
  if (r.exitCode !== 0 && r.stdout.trim() === '') return [];
  return parseUnfinished(r.stdout);
}

export function parseUnfinished(stdout: string): string[] {
  const lines = stdout.split('\n').map((l) => l.trim());
  // A transaction script running right now (another vps-rescue): its state is not "unfinished".
  if (lines.some((l) => /^\/proc\/\d+\/cmdline$/.test(l))) return [];
  return lines
    .map((l) => STATE_LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === 'applying')
    .map((m) => m[1]!.slice(BACKUP_ROOT.length + 1))
    .filter((id) => /^[\w.-]+$/.test(id));
}

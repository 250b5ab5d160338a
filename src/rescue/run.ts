import { ConsoleSession } from '../console/session.js';
import { analyse, type Diagnosis } from '../diagnose/analyse.js';
import { RescueError } from '../errors/rescue-error.js';
import { t } from '../i18n/index.js';
import { normalizePublicKey } from '../keys/normalize.js';
import { registerSecret } from '../secrets.js';
import { verify, type Verification } from '../verify/verify.js';
import { assertAccountAsked } from './accounts.js';
import { planOnly, runAction, type ActionContext } from './actions.js';
import { analyseOffline } from './offline.js';
import {
  interruptibleShell,
  signalName,
  parseUnfinished,
  TransactionLedger,
  UNFINISHED_QUERY,
  untilAborted,
  InterruptedError,
} from './interruption.js';
import { BACKUP_ROOT } from './transaction.js';
import {
  ELSEWHERE,
  listeningElsewhere,
  remainingBlockers,
  shellLogReader,
  wayOf,
  withBlockers,
} from './proof.js';
import { collect, consoleShell, localAddressTo } from './server-io.js';
import { keysOnServer } from './server-keys.js';
import type { ServerShell } from './server-shell.js';
import type { AppliedChange, PlannedChange, RescueOptions, RescueResult, TimelineEntry } from './types.js';

/** The result of a rescue that failed after it logged in: its report is still written. */
const FAILED_RESULTS = new WeakMap<object, RescueResult>();

export function resultOfFailure(err: unknown): RescueResult | undefined {
  return typeof err === 'object' && err !== null ? FAILED_RESULTS.get(err) : undefined;
}

/**
 * The whole rescue on one console: log in, collect, diagnose, change (backed up, checked, rolled back
 * on failure), verify from outside. Throws RescueError for known failures; the console is always
 * logged out and closed.
 */
export async function rescue(o: RescueOptions): Promise<RescueResult> {
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const timeline: TimelineEntry[] = [];
  const mark = (step: string, detail?: string) => {
    timeline.push({ at: now().toISOString(), step, ...(detail ? { detail } : {}) });
    o.onEvent?.({ kind: 'step', step, detail });
  };
  for (const secret of [o.consolePassword, o.userPassword, o.privateKey]) registerSecret(secret);
  const port = o.sshPort ?? 22;
  const customerKey = o.customerKey === undefined ? undefined : normalizeKey(o.customerKey);

  // A signal (Ctrl-C, SIGTERM, SIGHUP) stops the rescue at the next safe point: a started
  // transaction is waited for, the console logged out, and the error says what state the server is in.
  const signal = o.signal ?? new AbortController().signal;
  const changes: AppliedChange[] = [];
  const ledger = new TransactionLedger(changes);
  let diagnosisSoFar: Diagnosis | undefined;
  const partial = (): RescueResult => ({
    ok: false,
    host: o.host,
    user: o.user ?? 'root',
    action: o.action,
    dryRun: o.dryRun === true,
    startedAt,
    finishedAt: now().toISOString(),
    timeline,
    diagnosis: diagnosisSoFar,
    notFixed: [],
    changes,
    transcriptPath: o.transcriptPath,
  });
  const stopped = (err: unknown, loggedOut: boolean): unknown => {
    if (!signal.aborted) return err;
    const state = ledger.describe(o.lang);
    const left = loggedOut ? '' : `; ${t(o.lang, 'rescue.state.left-open')}`;
    mark('interrupted', `${state}${left}`);
    return new InterruptedError({ signal: signalName(signal), state: `${state}${left}` }, partial());
  };
  const opened = await openShell(o, mark, signal).catch((err: unknown) => {
    throw stopped(err, true);
  });
  const shell = interruptibleShell(opened, signal, ledger);
  let failure: unknown;
  let outcome: RescueResult | undefined;
  try {
    outcome = await rescueIn(shell);
  } catch (err) {
    failure = err;
  }
  let closeError: unknown;
  const loggedOut = await shell.close().then(
    () => true,
    (err: unknown) => {
      closeError = err;
      return false;
    },
  );
  if (failure !== undefined) throw stopped(failure, loggedOut);
  // A server left in its rescue system is not rescued, whatever the rescue found or changed: the
  // report says so plainly and the run ends with that error.
  if (closeError instanceof RescueError && closeError.code === 'rescue.still-in-rescue') {
    mark('still-in-rescue', t(o.lang, 'error.rescue.still-in-rescue', closeError.params));
    outcome!.ok = false;
    outcome!.error = { code: closeError.code, params: closeError.params };
    FAILED_RESULTS.set(closeError, outcome!);
    throw closeError;
  }
  return outcome!;

  async function rescueIn(shell: ServerShell): Promise<RescueResult> {
    // A rescue system works on the disk (offline): the server's own sshd is not running meanwhile.
    const offline = shell.offline === true;
    const diagnose = offline ? analyseOffline : analyse;
    const clientAddress = o.clientAddress ?? (await localAddressTo(o.host, port));
    const user = o.user ?? 'root';
    // Unfinished transactions of an earlier run are looked for in the collector's own command.
    const {
      collection: c,
      collector,
      queried,
    } = await collect(shell, user === 'root' ? ['root'] : [user, 'root'], clientAddress, UNFINISHED_QUERY);
    for (const tx of parseUnfinished(queried)) {
      mark('previous', t(o.lang, 'rescue.previous-unfinished', { tx, backup: `${BACKUP_ROOT}/${tx}` }));
    }
    const diagnosis = diagnose({
      collection: c,
      users: [user, 'root'],
      customerKey,
      clientAddress,
      sshPort: port,
    });
    diagnosisSoFar = diagnosis;
    mark('diagnose', diagnosis.primary?.cause ?? 'no blocking cause');
    // sshd listens on another port than the customer's (a Port moved in a drop-in): the proof is taken
    // where sshd really is. Unless the customer named their port, that port is the way in (the report
    // says so); a named port that sshd does not listen on stays a blocker: "not proven" there.
    const moved = listeningElsewhere(diagnosis);
    const verifyPort = moved ?? port;
    if (moved !== undefined) mark('listen', `sshd listens on port ${moved}, not ${port}: verified there`);
    // Before anything changes: the account named must be the one meant (see accounts.ts).
    const accounts = assertAccountAsked({ c, user, action: o.action, host: o.host, lang: o.lang });
    if (accounts.createsAccount) mark('create-user', accounts.why);

    // The host keys pin the verification logins; the latest collection that read them counts.
    const target = () => {
      const seen = ctx?.lastSeen?.hostKeys.length ? ctx.lastSeen.hostKeys : c.hostKeys;
      return { host: o.host, port: verifyPort, hostKeys: seen };
    };
    let verification: Verification | undefined;
    const ctx: ActionContext = {
      o,
      shell,
      c,
      collector,
      diagnosis,
      user,
      customerKey,
      changes,
      mark,
      now,
      offline,
    };
    // Offline, the login is tried once the server runs its own system again (after shell.close());
    // until then a change counts as done when the checks inside the chroot find nothing blocking.
    let deferred: { password?: string; expectPassword: boolean } | undefined;
    let offlineDone = false;
    // Without the customer's key, the keys in the user's own file (after the last change) are queried.
    const serverKeys = () => {
      const keys = keysOnServer(ctx?.lastSeen ?? c, user);
      return keys.length > 0 ? keys : undefined;
    };
    const check = async (password?: string, expectPassword = false) => {
      if (offline && !offlineDone) {
        deferred = { password, expectPassword };
        // Nothing changed yet: the disk as first read is what the server boots with.
        const seen = ctx.lastSeen ?? c;
        const ready =
          expectPassword ||
          !diagnose({ collection: seen, users: [user, 'root'], customerKey, clientAddress, sshPort: port })
            .primary;
        mark('verify', ready ? 'deferred until the server runs its own system' : 'still blocked (offline)');
        return ready;
      }
      const outside = await Promise.race([
        untilAborted(signal),
        verify({
          target: target(),
          user,
          password,
          privateKey: expectPassword ? undefined : o.privateKey,
          publicKey: password === undefined && !expectPassword ? (customerKey ?? serverKeys()) : undefined,
          expectPassword,
          // Once an offline shell is closed there is no console left to read the log with.
          readLog: offline ? undefined : shellLogReader(shell),
        }),
      ]);
      // What the collector saw behind the last change (or before, when nothing changed).
      const seen = ctx.lastSeen;
      const view = seen
        ? diagnose({ collection: seen, users: [user, 'root'], customerKey, clientAddress, sshPort: port })
        : diagnosis;
      const intended = [
        ...(o.expirePassword ? (['account.password-expired'] as const) : []),
        ...(moved !== undefined && o.sshPort === undefined ? ELSEWHERE : []),
      ];
      verification = withBlockers(outside, remainingBlockers(view, user, wayOf(outside), intended));
      mark(
        'verify',
        `${verification.proof}${verification.login?.detail ? ` (${verification.login.detail})` : ''}`,
      );
      return verification.passed;
    };

    let after: Diagnosis | undefined;
    const planned: PlannedChange[] = [];
    // A dry run and a diagnosis go through the same actions, recording each transaction instead of
    // applying it: the plan shown is exactly what a real run would send (diagnose: what auto would).
    const planning = o.dryRun === true || o.action === 'diagnose';
    if (planning) ctx.planned = planned;
    let planStop: RescueResult['planStop'];
    let failure: RescueError | undefined;
    try {
      await runAction(o.action === 'diagnose' ? 'auto' : o.action, ctx, planning ? planOnly(ctx) : check);
    } catch (err) {
      if (!(err instanceof RescueError) || err instanceof InterruptedError) throw err;
      if (planning) {
        // A plan that a real run would refuse is still a finding to show, not a failed diagnosis.
        planStop = { code: err.code, params: err.params };
        mark('plan', `a real run would stop here: ${err.code}`);
      } else {
        // A failed or rolled-back change still gets its report: the error carries the result.
        failure = err;
        mark('failed', `${err.code} (${String(err.params.step ?? err.params.reason ?? '')})`);
      }
    }
    // What is still wrong after the change, for the report: the collector ran behind the last change.
    if (ctx.lastSeen && !planning)
      after = diagnose({
        collection: ctx.lastSeen,
        users: [user, 'root'],
        customerKey,
        clientAddress,
        sshPort: port,
      });
    if (!failure && offline && deferred) {
      // Closing an offline shell brings the server back on its own system; then the real check.
      await shell.close();
      mark('boot', 'the server runs its own system again');
      offlineDone = true;
      await check(deferred.password, deferred.expectPassword);
    }
    const fixed = new Set(changes.flatMap((ch) => ch.fixed.map((f) => f.cause)));
    const result: RescueResult = {
      ok: !failure && (o.action === 'diagnose' || o.dryRun === true || verification?.passed === true),
      host: o.host,
      sshPort: verifyPort,
      user,
      action: o.action,
      dryRun: o.dryRun === true,
      startedAt,
      finishedAt: now().toISOString(),
      timeline,
      diagnosis,
      after,
      notFixed: (after ?? diagnosis).findings.filter((f) => !fixed.has(f.cause)),
      changes,
      ...(planning ? { plan: planned } : {}),
      ...(planStop ? { planStop } : {}),
      verification,
      via: shell.via,
      counters: shell.counters,
      transcriptPath: o.transcriptPath,
      ...(failure ? { error: { code: failure.code, params: failure.params } } : {}),
    };
    if (failure) {
      FAILED_RESULTS.set(failure, result);
      throw failure;
    }
    return result;
  }
}

/** The console login (the usual way in), or the other way in the caller opened (e.g. a guest agent). */
export async function openShell(
  o: RescueOptions,
  mark: (step: string, detail?: string) => void,
  signal: AbortSignal,
): Promise<ServerShell> {
  if (o.shell) {
    const shell = await o.shell();
    mark('connect', shell.via);
    return shell;
  }
  if (!o.console || o.consoleUser === undefined || o.consolePassword === undefined) {
    throw new RescueError('usage', { message: 'a console and its account are needed' });
  }
  const session = await ConsoleSession.open(o.console, { transcript: o.transcriptPath });
  mark('connect');
  try {
    await session
      .login({ user: o.consoleUser, password: o.consolePassword, signal })
      .catch((err: unknown) => {
        throw noWayIn(err, o);
      });
  } catch (err) {
    // A login that got as far as a shell (then failed, e.g. at sudo) is logged out, not left open.
    await session.close({ logout: true }).catch(() => undefined);
    throw err;
  }
  mark('login', `${o.consoleUser}, root shell`);
  return consoleShell(session);
}

const LOGIN_REFUSED = ['console.login-failed', 'console.account-locked', 'console.password-expired'];

/**
 * The console exists but cannot be logged in to (no password known, account locked — cloud images
 * often ship without passwords): that refusal is the error, and the other ways in the provider offers
 * follow it as hints.
 */
function noWayIn(err: unknown, o: RescueOptions): unknown {
  if (!(err instanceof RescueError) || !LOGIN_REFUSED.includes(err.code)) return err;
  // The refusal is the cause, with the user it tried; what else the provider offers is a hint after it.
  const offers = (o.providerOffers ?? []).filter((p) => p !== 'serial-console');
  const hints =
    offers.length > 0
      ? [t(o.lang, 'cli.hint.other-ways', { server: o.host, offers: offers.join(', ') })]
      : [];
  return new RescueError(err.code, { user: o.consoleUser ?? '', ...err.params }, { cause: err, hints });
}

function normalizeKey(text: string): string {
  const r = normalizePublicKey(text);
  if (!r.ok)
    throw new RescueError('usage', { message: `the customer key is not a usable public key (${r.problem})` });
  return `${r.key.type} ${r.key.base64}${r.key.comment ? ` ${r.key.comment}` : ''}`;
}

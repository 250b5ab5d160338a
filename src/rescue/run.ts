import { ConsoleSession } from '../console/session.js';
import { analyse, type Diagnosis } from '../diagnose/analyse.js';
import { RescueError } from '../errors/rescue-error.js';
import { t, type MessageKey } from '../i18n/index.js';
import { normalizePublicKey } from '../keys/normalize.js';
import { registerSecret } from '../secrets.js';
import { verify, type Verification } from '../verify/verify.js';
import { runAction, type ActionContext } from './actions.js';
import { analyseOffline } from './offline.js';
import { remainingBlockers, shellLogReader, wayOf, withBlockers } from './proof.js';
import { collect, consoleShell, localAddressTo } from './server-io.js';
import { keysOnServer } from './server-keys.js';
import type { ServerShell } from './server-shell.js';
import type { AppliedChange, RescueOptions, RescueResult, TimelineEntry } from './types.js';

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

  const shell = await openShell(o, mark);
  try {
    // A rescue system works on the disk (offline): the server's own sshd is not running meanwhile.
    const offline = shell.offline === true;
    const diagnose = offline ? analyseOffline : analyse;
    const clientAddress = o.clientAddress ?? (await localAddressTo(o.host, port));
    const user = o.user ?? 'root';
    const { collection: c, collector } = await collect(
      shell,
      user === 'root' ? ['root'] : [user, 'root'],
      clientAddress,
    );
    const diagnosis = diagnose({
      collection: c,
      users: [user, 'root'],
      customerKey,
      clientAddress,
      sshPort: port,
    });
    mark('diagnose', diagnosis.primary?.cause ?? 'no blocking cause');

    const changes: AppliedChange[] = [];
    const target = { host: o.host, port };
    let verification: Verification | undefined;
    let ctx: ActionContext | undefined;
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
        const seen = ctx?.lastSeen;
        const ready =
          expectPassword ||
          (seen !== undefined &&
            !diagnose({ collection: seen, users: [user, 'root'], customerKey, clientAddress, sshPort: port })
              .primary);
        mark('verify', ready ? 'deferred until the server runs its own system' : 'still blocked (offline)');
        return ready;
      }
      const outside = await verify({
        target,
        user,
        password,
        privateKey: expectPassword ? undefined : o.privateKey,
        publicKey: password === undefined && !expectPassword ? (customerKey ?? serverKeys()) : undefined,
        expectPassword,
        // Once an offline shell is closed there is no console left to read the log with.
        readLog: offline ? undefined : shellLogReader(shell),
      });
      // What the collector saw behind the last change (or before, when nothing changed).
      const seen = ctx?.lastSeen;
      const view = seen
        ? diagnose({ collection: seen, users: [user, 'root'], customerKey, clientAddress, sshPort: port })
        : diagnosis;
      const intended = o.expirePassword ? (['account.password-expired'] as const) : [];
      verification = withBlockers(outside, remainingBlockers(view, user, wayOf(outside), intended));
      mark(
        'verify',
        `${verification.proof}${verification.login?.detail ? ` (${verification.login.detail})` : ''}`,
      );
      return verification.passed;
    };

    let after: Diagnosis | undefined;
    let failure: RescueError | undefined;
    if (o.action !== 'diagnose' && !o.dryRun) {
      ctx = { o, shell, c, collector, diagnosis, user, customerKey, changes, mark, now, offline };
      try {
        await runAction(o.action, ctx, check);
      } catch (err) {
        // A failed or rolled-back change still gets its report: the error carries the result.
        if (!(err instanceof RescueError)) throw err;
        failure = err;
        mark('failed', `${err.code} (${String(err.params.step ?? err.params.reason ?? '')})`);
      }
      // What is still wrong after the change, for the report: the collector ran behind the last change.
      if (ctx.lastSeen)
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
    }
    const fixed = new Set(changes.flatMap((ch) => ch.fixed.map((f) => f.cause)));
    const result: RescueResult = {
      ok: !failure && (o.action === 'diagnose' || o.dryRun === true || verification?.passed === true),
      host: o.host,
      sshPort: port,
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
  } finally {
    await shell.close().catch(() => undefined);
  }
}

/** The console login (the usual way in), or the other way in the caller opened (e.g. a guest agent). */
async function openShell(
  o: RescueOptions,
  mark: (step: string, detail?: string) => void,
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
    await session.login({ user: o.consoleUser, password: o.consolePassword }).catch((err: unknown) => {
      throw noWayIn(err, o);
    });
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  mark('login', `${o.consoleUser}, root shell`);
  return consoleShell(session);
}

const LOGIN_REFUSED = ['console.login-failed', 'console.account-locked', 'console.password-expired'];

/**
 * The console exists but cannot be logged in to (no password known, account locked — cloud images
 * often ship without passwords): say so, and name the other ways in the provider offers.
 */
function noWayIn(err: unknown, o: RescueOptions): unknown {
  if (!(err instanceof RescueError) || !LOGIN_REFUSED.includes(err.code)) return err;
  const key = `error.${err.code}` as MessageKey;
  const offers = (o.providerOffers ?? []).filter((p) => p !== 'serial-console');
  return new RescueError(
    'rescue.no-way-in',
    {
      server: o.host,
      reason: t(o.lang, key, err.params),
      offers: offers.length > 0 ? offers.join(', ') : t(o.lang, 'rescue.offers.none'),
    },
    { cause: err },
  );
}

function normalizeKey(text: string): string {
  const r = normalizePublicKey(text);
  if (!r.ok)
    throw new RescueError('usage', { message: `the customer key is not a usable public key (${r.problem})` });
  return `${r.key.type} ${r.key.base64}${r.key.comment ? ` ${r.key.comment}` : ''}`;
}

import { randomBytes, randomInt } from 'node:crypto';
import { ConsoleSession } from '../console/session.js';
import type { Collection } from '../diagnose/collection.js';
import { analyse, type Diagnosis } from '../diagnose/analyse.js';
import type { Finding } from '../diagnose/findings.js';
import { RescueError } from '../errors/rescue-error.js';
import { t, type MessageKey } from '../i18n/index.js';
import { normalizePublicKey } from '../keys/normalize.js';
import { registerSecret } from '../secrets.js';
import { verify, type Verification } from '../verify/verify.js';
import { analyseOffline } from './offline.js';
import { DROPIN, passwordWindow } from './password-window.js';
import { planCreateUser, planFixes, repairable, type Action } from './plan.js';
import {
  applyTransaction,
  collect,
  consoleShell,
  localAddressTo,
  type CollectorOnServer,
} from './server-io.js';
import type { ServerShell } from './server-shell.js';
import type { Transaction } from './transaction.js';
import type { AppliedChange, RescueOptions, RescueResult, TimelineEntry } from './types.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A strong password that survives any shell quoting and any keyboard layout. */
export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  registerSecret(out);
  return out;
}

function newTxId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(2).toString('hex')}`;
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
    const diagnosis = diagnose({ collection: c, users: [user, 'root'], customerKey, clientAddress });
    mark('diagnose', diagnosis.primary?.cause ?? 'no blocking cause');

    const changes: AppliedChange[] = [];
    const target = { host: o.host, port };
    let verification: Verification | undefined;
    let ctx: ActionContext | undefined;
    // Offline, the login is tried once the server runs its own system again (after shell.close());
    // until then a change counts as done when the checks inside the chroot find nothing blocking.
    let deferred: { password?: string; expectPassword: boolean } | undefined;
    let offlineDone = false;
    const check = async (password?: string, expectPassword = false) => {
      if (offline && !offlineDone) {
        deferred = { password, expectPassword };
        const seen = ctx?.lastSeen;
        const ready =
          expectPassword ||
          (seen !== undefined &&
            !diagnose({ collection: seen, users: [user, 'root'], customerKey, clientAddress }).primary);
        mark('verify', ready ? 'deferred until the server runs its own system' : 'still blocked (offline)');
        return ready;
      }
      verification = await verify({
        target,
        user,
        password,
        privateKey: expectPassword ? undefined : o.privateKey,
        publicKey: password === undefined && !expectPassword ? customerKey : undefined,
        expectPassword,
      });
      mark('verify', verification.passed ? 'passed' : `failed (${verification.login?.detail ?? 'no login'})`);
      return verification.passed;
    };

    let after: Diagnosis | undefined;
    if (o.action !== 'diagnose' && !o.dryRun) {
      ctx = { o, shell, c, collector, diagnosis, user, customerKey, changes, mark, now, offline };
      await runAction(o.action, ctx, check);
      // What is still wrong after the change, for the report: the collector ran behind the last change.
      if (ctx.lastSeen)
        after = diagnose({ collection: ctx.lastSeen, users: [user, 'root'], customerKey, clientAddress });
      if (offline && deferred) {
        // Closing an offline shell brings the server back on its own system; then the real check.
        await shell.close();
        mark('boot', 'the server runs its own system again');
        offlineDone = true;
        await check(deferred.password, deferred.expectPassword);
      }
    }
    const fixed = new Set(changes.flatMap((ch) => ch.fixed.map((f) => f.cause)));
    const result: RescueResult = {
      ok: o.action === 'diagnose' || o.dryRun === true || verification?.passed === true,
      host: o.host,
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
    };
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

interface ActionContext {
  o: RescueOptions;
  shell: ServerShell;
  c: Collection;
  /** The collector on the server: it runs again behind every change. */
  collector: CollectorOnServer;
  /** The collector's latest view, after the last change. */
  lastSeen?: Collection;
  diagnosis: Diagnosis;
  user: string;
  customerKey?: string;
  changes: AppliedChange[];
  mark: (step: string, detail?: string) => void;
  now: () => Date;
  /** Working on the disk from a rescue system: nothing is started, reloaded or armed now. */
  offline?: boolean;
}

type Check = (password?: string, expectPassword?: boolean) => Promise<boolean>;

async function runAction(action: Action, x: ActionContext, check: Check): Promise<void> {
  const exists = x.c.passwd.some((p) => p.name === x.user);
  if (action === 'create-user' || (action === 'auto' && !exists)) return createUser(x, check);
  if (!exists) throw new RescueError('rescue.failed', { step: action, reason: `no account ${x.user}` });
  if (action === 'enable-password') return openWindow(x, check);
  if (action === 'fix' || action === 'authorize-key') {
    if (action === 'authorize-key' && !x.customerKey)
      throw new RescueError('usage', { message: 'authorize-key needs --key FILE (the customer public key)' });
    await applyFixes(x, action === 'authorize-key');
    await check(x.o.userPassword);
    return;
  }
  // auto: the keys first when the customer's key is known, then the password window if still locked out.
  if (x.customerKey || x.o.privateKey) {
    try {
      if (repairable(x.diagnosis, x.user).length > 0 || x.customerKey) await applyFixes(x, false);
      if (await check()) return;
    } catch (err) {
      // The repair was refused or failed and has been rolled back: the server is as it was, so the
      // password window is still the safe way in.
      if (!(err instanceof RescueError && err.code === 'rescue.rolled-back')) throw err;
      x.mark('fix', `rolled back (${err.params.step}); opening the password window instead`);
    }
  }
  await openWindow(x, check);
}

function normalizeKey(text: string): string {
  const r = normalizePublicKey(text);
  if (!r.ok)
    throw new RescueError('usage', { message: `the customer key is not a usable public key (${r.problem})` });
  return `${r.key.type} ${r.key.base64}${r.key.comment ? ` ${r.key.comment}` : ''}`;
}

async function apply(
  x: ActionContext,
  action: AppliedChange['action'],
  tx: Transaction,
  fixed: Finding[],
  password?: string,
  extra: Partial<AppliedChange> = {},
): Promise<AppliedChange> {
  x.mark(action, `transaction ${tx.id}`);
  if (x.offline) tx = { ...tx, offline: true };
  const applied = await applyTransaction(x.shell, tx, { password, collector: x.collector });
  x.lastSeen = applied.after ?? x.lastSeen;
  const change: AppliedChange = {
    action,
    txId: tx.id,
    status: applied.result.status,
    failedStep: applied.result.step,
    backupDir: `/var/backups/vps-rescue/${tx.id}`,
    files: [...new Set([...tx.backupFiles, ...tx.backupModes])],
    diffs: applied.diffs,
    fixed: applied.result.status === 'ok' ? fixed : [],
    ...extra,
  };
  x.changes.push(change);
  if (applied.result.status !== 'ok') {
    throw new RescueError('rescue.rolled-back', { step: applied.result.step ?? action, reason: action });
  }
  return change;
}

async function applyFixes(x: ActionContext, keysOnly: boolean): Promise<void> {
  const plan = planFixes(x.c, x.diagnosis, {
    txId: newTxId(x.now()),
    user: x.user,
    keysOnly,
    customerKey: x.customerKey,
  });
  if (!plan) {
    x.mark('fix', 'nothing to repair');
    return;
  }
  await apply(x, keysOnly ? 'authorize-key' : 'fix', plan.tx, plan.fixes.applied);
}

function windowAlreadyOpen(c: Collection, user: string): boolean {
  const dropin = c.configFiles.find((f) => f.path === DROPIN);
  return (dropin?.lines ?? []).some((l) => l.trim() === `Match User ${user}`);
}

async function openWindow(x: ActionContext, check: Check): Promise<void> {
  if (x.user === 'root') {
    throw new RescueError('rescue.failed', {
      step: 'enable-password',
      reason:
        'password login is re-opened for a normal user only; use --action create-user for an admin account',
    });
  }
  const shadow = x.c.users[x.user]?.shadow;
  const needsPassword = shadow?.password !== 'set' || shadow.locked;
  const password = needsPassword ? generatePassword() : x.o.userPassword;
  if (windowAlreadyOpen(x.c, x.user) && !needsPassword) {
    x.mark('enable-password', 'already open (nothing changed)');
    await check(password, true);
    return;
  }
  const plan = passwordWindow(x.c, {
    txId: newTxId(x.now()),
    user: x.user,
    windowMinutes: x.o.permanent ? undefined : x.o.windowMinutes,
    now: x.now(),
    setPassword: needsPassword,
    expirePassword: x.o.expirePassword,
    ...(x.offline ? { offline: true } : {}),
  });
  const change = await apply(x, 'enable-password', plan.tx, [], needsPassword ? password : undefined, {
    window: { until: plan.deadline?.toISOString(), mode: plan.mode },
  });
  if (needsPassword && password && x.o.handOverPassword) {
    change.generatedPasswordHandedOver = await x.o.handOverPassword(x.user, password);
  }
  // An expired password cannot run a command: the real login is then left to the customer.
  await check(x.o.expirePassword ? undefined : password, true);
}

async function createUser(x: ActionContext, check: Check): Promise<void> {
  const setPassword = !x.customerKey;
  const password = setPassword ? generatePassword() : undefined;
  const tx = planCreateUser({
    txId: newTxId(x.now()),
    user: x.user,
    customerKey: x.customerKey,
    setPassword,
  });
  const change = await apply(x, 'create-user', tx, [], password);
  if (password && x.o.handOverPassword)
    change.generatedPasswordHandedOver = await x.o.handOverPassword(x.user, password);
  if (setPassword) {
    // A new account with only a password still needs the window: global password login is off. The
    // collector that ran behind the change was built for the users asked for, the new one among them.
    const c = x.lastSeen;
    if (!c)
      throw new RescueError('rescue.failed', { step: 'create-user', reason: 'no view of the new account' });
    const sub = { ...x, c, o: { ...x.o, userPassword: password } };
    await openWindow(sub, check);
    x.lastSeen = sub.lastSeen;
    return;
  }
  await check();
}

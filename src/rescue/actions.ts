import { randomBytes, randomInt } from 'node:crypto';
import type { Collection } from '../diagnose/collection.js';
import type { Diagnosis } from '../diagnose/analyse.js';
import type { Finding } from '../diagnose/findings.js';
import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import { passwordWindow } from './password-window.js';
import { ELSEWHERE } from './proof.js';
import { planCreateUser, planFixes, repairable, type Action } from './plan.js';
import { applyTransaction, type CollectorOnServer } from './server-io.js';
import type { ServerShell } from './server-shell.js';
import type { Transaction } from './transaction.js';
import type { AccountChange, AppliedChange, PlannedChange, RescueOptions } from './types.js';
import { describeSkew, NOTABLE_SKEW_SECONDS, windowAlreadyOpen, windowTimesFrom } from './window-clock.js';

/*
 * The actions of a rescue (auto, fix, authorize-key, enable-password, create-user), each one or more
 * server-side transactions; rescue() in run.ts logs in, diagnoses and verifies around them.
 */

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

export interface ActionContext {
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
  /** Set: nothing is applied; each transaction is recorded here instead (--dry-run, diagnose). */
  planned?: PlannedChange[];
  /** Planning: a verification came before this point, so what follows only runs if it failed. */
  afterCheck?: boolean;
}

/** The check of a plan: nothing was changed, so nothing can be verified; what follows is conditional. */
export function planOnly(x: ActionContext): Check {
  return () => {
    x.afterCheck = true;
    return Promise.resolve(false);
  };
}

/** Asks before a change to accounts (never in a plan: nothing changes there). */
async function confirmAccountChange(x: ActionContext, kind: AccountChange['kind']): Promise<void> {
  if (x.planned) return;
  const before = x.changes.filter((c) => c.status === 'ok').map((c) => `${c.action} ${c.txId}`);
  await x.o.confirmAccountChange?.({ kind, user: x.user, host: x.o.host, before });
}

export type Check = (password?: string, expectPassword?: boolean) => Promise<boolean>;

export async function runAction(action: Action, x: ActionContext, check: Check): Promise<void> {
  // Which account may be created was decided before (assertAccountAsked): auto only reaches a missing
  // account when nobody could log in at all.
  const exists = x.c.passwd.some((p) => p.name === x.user);
  if (action === 'create-user' || (action === 'auto' && !exists))
    return createUser(x, check, action === 'create-user' ? 'create-user' : 'create-user-forced');
  if (!exists) throw new RescueError('rescue.failed', { step: action, reason: `no account ${x.user}` });
  if (action === 'enable-password') return openWindow(x, check);
  if (action === 'fix' || action === 'authorize-key') {
    if (action === 'authorize-key' && !x.customerKey)
      throw new RescueError('usage', { message: 'authorize-key needs --key FILE (the customer public key)' });
    await applyFixes(x, action === 'authorize-key');
    await check(x.o.userPassword);
    return;
  }
  // auto: repair what was found first (the customer's key, or the keys already on the server, prove it
  // through the public-key query); the password window only when no usable key is there or the proof
  // fails.
  const repairs = repairable(x.diagnosis, x.user);
  // Only the port is wrong (sshd listens elsewhere): the check there comes first, as with no cause.
  const primary = x.diagnosis.primary;
  const portOnly =
    primary !== undefined && ELSEWHERE.includes(primary.cause) && primary.params.listenPort !== undefined;
  if (x.customerKey || x.o.privateKey || repairs.length > 0 || !primary || portOnly) {
    try {
      if (repairs.length > 0 || x.customerKey) await applyFixes(x, false);
      if (await check()) return;
    } catch (err) {
      // The repair was refused or failed and has been rolled back: the server is as it was, so the
      // password window is still the safe way in.
      if (!(err instanceof RescueError && err.code === 'rescue.rolled-back')) throw err;
      x.mark('fix', `rolled back (${err.params.step}); opening the password window instead`);
    }
  }
  // The customer's own port is not where sshd listens: no change the rescue may make moves sshd there,
  // and a password window would not be reached on that port either.
  if (portOnly && x.o.sshPort !== undefined) {
    x.mark('enable-password', `not opened: sshd does not listen on port ${x.o.sshPort}`);
    return;
  }
  await openWindow(x, check);
}

interface ApplyRequest {
  x: ActionContext;
  action: AppliedChange['action'];
  tx: Transaction;
  fixed: Finding[];
  password?: string;
  extra?: Partial<AppliedChange>;
}

/**
 * Applies one transaction (or plans it): the change for the report, what the transaction's tail
 * printed, and this machine's clock halfway through the exchange.
 */
async function apply(
  req: ApplyRequest,
): Promise<{ change: AppliedChange; tail: string[]; clientMidMs: number }> {
  const { x, action, fixed, password, extra = {} } = req;
  const tx = x.offline ? { ...req.tx, offline: true } : req.tx;
  if (x.planned)
    return { change: plan(x, action, tx, password !== undefined, extra), tail: [], clientMidMs: 0 };
  x.mark(action, `transaction ${tx.id}`);
  const started = x.now().getTime();
  const applied = await applyTransaction(x.shell, tx, {
    password,
    collector: x.collector,
    before: x.lastSeen ?? x.c,
  });
  const clientMidMs = (started + x.now().getTime()) / 2;
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
  x.o.onEvent?.({
    kind: 'change',
    description: `${action} ${tx.id}: ${change.status}, ${change.files.join(', ')}`,
  });
  if (applied.result.status !== 'ok') {
    throw new RescueError('rescue.rolled-back', { step: applied.result.step ?? action, reason: action });
  }
  return { change, tail: applied.tail, clientMidMs };
}

/** Records a transaction a real run would apply; the change returned is the plan's, never in x.changes. */
function plan(
  x: ActionContext,
  action: AppliedChange['action'],
  tx: Transaction,
  setsPassword: boolean,
  extra: Partial<AppliedChange>,
): AppliedChange {
  const files = [...new Set([...tx.backupFiles, ...tx.backupModes])];
  x.mark(action, `planned: transaction ${tx.id} (not applied)`);
  x.planned!.push({
    action,
    txId: tx.id,
    files,
    steps: [...tx.steps, ...tx.checks].map((st) => ({ name: st.name, code: st.code })),
    reload: tx.reload !== false && tx.offline !== true,
    ...(x.afterCheck ? { onlyIfStillRefused: true } : {}),
    ...(extra.window
      ? { window: { minutes: x.o.permanent ? undefined : x.o.windowMinutes, mode: extra.window.mode } }
      : {}),
    ...(setsPassword ? { setsPassword: true } : {}),
  });
  return { action, txId: tx.id, status: 'ok', backupDir: '', files, diffs: [], fixed: [] };
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
  await apply({ x, action: keysOnly ? 'authorize-key' : 'fix', tx: plan.tx, fixed: plan.fixes.applied });
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
  // An account without a password gets one (the window needs it); an existing one — even locked —
  // is only ever replaced when --reset-password says so.
  // A plan has no view after create-user: the account it would create has the password it sets.
  const justCreated = x.planned !== undefined && !shadow && x.o.userPassword !== undefined;
  const hasPassword = shadow?.password === 'set' || justCreated;
  if (hasPassword && shadow?.locked && !x.o.resetPassword)
    throw new RescueError('usage.password-exists', { user: x.user });
  const needsPassword = !hasPassword || x.o.resetPassword === true;
  if (needsPassword) await confirmAccountChange(x, hasPassword ? 'reset-password' : 'set-password');
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
    setPassword: needsPassword,
    expirePassword: x.o.expirePassword,
    ...(x.offline ? { offline: true } : {}),
  });
  const { change, tail, clientMidMs } = await apply({
    x,
    action: 'enable-password',
    tx: plan.tx,
    fixed: [],
    password: needsPassword ? password : undefined,
    extra: { window: { mode: plan.mode, ...(plan.seconds === undefined ? {} : { seconds: plan.seconds }) } },
  });
  // The deadline was set on the server by its own clock: the report shows those times, and the
  // difference to this machine's clock when it is large enough to confuse a reader.
  const times = x.planned ? undefined : windowTimesFrom(tail, clientMidMs);
  if (times && change.window) {
    change.window = { ...change.window, ...times };
    if (Math.abs(times.skewSeconds) > NOTABLE_SKEW_SECONDS) x.mark('clock', describeSkew(times.skewSeconds));
  } else if (plan.seconds !== undefined && !x.planned) {
    x.mark('clock', "the server's window times could not be read back");
  }
  if (needsPassword && password && x.o.handOverPassword && !x.planned) {
    change.generatedPasswordHandedOver = await x.o.handOverPassword(x.user, password);
  }
  // An expired password cannot run a command: the real login is then left to the customer.
  await check(x.o.expirePassword ? undefined : password, true);
}

async function createUser(
  x: ActionContext,
  check: Check,
  kind: 'create-user' | 'create-user-forced',
): Promise<void> {
  await confirmAccountChange(x, kind);
  const setPassword = !x.customerKey;
  const password = setPassword ? generatePassword() : undefined;
  const tx = planCreateUser({
    txId: newTxId(x.now()),
    user: x.user,
    customerKey: x.customerKey,
    setPassword,
  });
  const { change } = await apply({ x, action: 'create-user', tx, fixed: [], password });
  if (password && x.o.handOverPassword && !x.planned)
    change.generatedPasswordHandedOver = await x.o.handOverPassword(x.user, password);
  if (setPassword) {
    // A new account with only a password still needs the window: global password login is off. The
    // collector that ran behind the change was built for the users asked for, the new one among them.
    // A plan has no view after the change: the window is planned from the view before it.
    const c = x.planned ? x.c : x.lastSeen;
    if (!c)
      throw new RescueError('rescue.failed', { step: 'create-user', reason: 'no view of the new account' });
    const sub = { ...x, c, o: { ...x.o, userPassword: password } };
    await openWindow(sub, check);
    x.lastSeen = sub.lastSeen;
    return;
  }
  await check();
}

import { randomBytes, randomInt } from 'node:crypto';
import type { Collection } from '../diagnose/collection.js';
import type { Diagnosis } from '../diagnose/analyse.js';
import type { Finding } from '../diagnose/findings.js';
import { RescueError } from '../errors/rescue-error.js';
import { registerSecret } from '../secrets.js';
import { DROPIN, passwordWindow } from './password-window.js';
import { planCreateUser, planFixes, repairable, type Action } from './plan.js';
import { applyTransaction, type CollectorOnServer } from './server-io.js';
import type { ServerShell } from './server-shell.js';
import type { Transaction } from './transaction.js';
import type { AppliedChange, RescueOptions } from './types.js';

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
}

export type Check = (password?: string, expectPassword?: boolean) => Promise<boolean>;

export async function runAction(action: Action, x: ActionContext, check: Check): Promise<void> {
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
  x.o.onEvent?.({
    kind: 'change',
    description: `${action} ${tx.id}: ${change.status}, ${change.files.join(', ')}`,
  });
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

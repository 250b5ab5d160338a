import { randomBytes } from 'node:crypto';
import { analyse } from '../diagnose/analyse.js';
import { describeFinding } from '../diagnose/describe.js';
import { isRescueError, RescueError } from '../errors/rescue-error.js';
import type { Lang } from '../i18n/index.js';
import { clientAddressOf, planName } from '../preflight/preflight.js';
import type { HardeningPlan } from '../preflight/plan.js';
import { rootAccess, execOn, sshConnect, type SshShell, type SshTarget } from '../preflight/ssh-shell.js';
import { collect, WORK_DIR } from '../rescue/server-io.js';
import { waitForSshBanner } from '../rescue/shells/rescue-system-shell.js';
import { confirmScript, hardenMark, hardenFiles, keptCheck, hardenScript, revertNow } from './revert.js';

export const DEFAULT_CONFIRM_MINUTES = 5;

/** How a hardening ended: kept (a new login confirmed it) or the server went back, and why. */
export type HardenOutcome = 'kept' | 'reverted' | 'refused';

export interface HardenResult {
  host: string;
  user: string;
  plan: string;
  txId: string;
  outcome: HardenOutcome;
  /** the server-side revert: systemd timer or a detached watcher, seconds */
  armed?: { seconds: number; by: string };
  backup: string;
  /** why the confirming login failed, with the analyser's cause code */
  loginFailure?: { cause: string; path?: string; sentence: string; fix: string; error: string };
  /** sshd -t's complaint when the candidate was refused before anything changed */
  syntax?: string;
  /** after a revert: the old way in works again (a login as before) */
  oldWayWorks?: boolean;
  timeline: { at: string; step: string; detail?: string }[];
}

export interface HardenInput {
  shell: SshShell;
  /** for the brand-new login: the same host, host key policy and user, with the user's key only */
  target: SshTarget;
  plan: HardeningPlan;
  confirmSeconds: number;
  lang: Lang;
  publicKeys: string[];
  onStep?: (step: string, detail?: string) => void;
}

/**
 * A brand-new SSH login from outside with the user's key (no password): the only proof that the
 * hardened sshd lets the user in. On success it confirms the change through that same session.
 */
async function confirmingLogin(
  i: HardenInput,
  txId: string,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const keyOnly: SshTarget = {
    ...i.target,
    credentials: {
      ...(i.target.credentials.privateKey !== undefined
        ? { privateKey: i.target.credentials.privateKey }
        : {}),
      ...(i.target.credentials.privateKey === undefined && i.target.credentials.agent !== undefined
        ? { agent: i.target.credentials.agent }
        : {}),
    },
  };
  let login;
  try {
    // A reload re-executes sshd: for a moment nothing listens. Waiting for its banner is not a login.
    await waitForSshBanner(i.target.host, i.target.port, 15_000);
    login = await sshConnect(keyOnly);
  } catch (err) {
    return {
      ok: false,
      error: isRescueError(err) ? `${err.code} ${JSON.stringify(err.params)}` : String(err),
    };
  }
  try {
    const via = await rootAccess(login.client, i.target.user, i.target.credentials.password);
    const command =
      via === 'root'
        ? '/bin/sh'
        : via === 'sudo-nopasswd'
          ? 'sudo -k -n -- /bin/sh'
          : "sudo -k -S -p '' -- /bin/sh";
    const prefix = via === 'sudo-password' ? `${i.target.credentials.password}\n` : '';
    const r = await execOn(login.client, command, `${prefix}${confirmScript(txId)}\n`, 30_000);
    if (!r.out.includes('VR-CONFIRMED'))
      return { ok: false, error: 'the revert ran before the confirmation' };
    return { ok: true };
  } catch (err) {
    return { ok: false, error: isRescueError(err) ? err.code : String(err) };
  } finally {
    login.client.end();
  }
}

/**
 * Applies the plan as one guarded change over SSH: backup, candidate in place, `sshd -t`, the revert
 * armed on the server, reload (never restart: the open sessions stay), then a new login with the
 * user's key. Only that login confirms; otherwise the server goes back by itself, and the report says
 * why the login failed with the analyser's cause code (collected while the hardening is live).
 */
export async function harden(i: HardenInput): Promise<HardenResult> {
  const txId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const files = hardenFiles(txId);
  const timeline: HardenResult['timeline'] = [];
  const step = (name: string, detail?: string) => {
    timeline.push({ at: new Date().toISOString(), step: name, ...(detail ? { detail } : {}) });
    i.onStep?.(name, detail);
  };
  const base = {
    host: i.target.host,
    user: i.target.user,
    plan: planName(i.plan),
    txId,
    backup: files.dir,
    timeline,
  };
  const clientAddress = await clientAddressOf(i.shell);
  step('apply', `${base.plan}; backup ${files.dir}`);
  const r = await i.shell.runScript({
    path: `${WORK_DIR}/h-${txId}.sh`,
    script: hardenScript(i.plan, txId, i.confirmSeconds),
    before: `mkdir -p -m 700 ${WORK_DIR}`,
    timeoutMs: 90_000,
    transaction: txId,
  });
  const m = new RegExp(`^${hardenMark(txId)} (\\S+) ?(.*)$`, 'm').exec(r.stdout);
  if (!m)
    throw new RescueError('rescue.failed', { step: 'harden', reason: `no result (exit ${r.exitCode})` });
  if (m[1] === 'syntax') {
    step('refused', m[2]);
    return { ...base, outcome: 'refused', syntax: m[2] ?? '' };
  }
  if (m[1] !== 'armed')
    throw new RescueError('rescue.failed', { step: `harden ${m[1]}`, reason: m[2] || `exit ${r.exitCode}` });
  const [seconds, by] = (m[2] ?? '').split(' ');
  const armed = { seconds: Number(seconds), by: by ?? '?' };
  step('armed', `${armed.seconds} s (${armed.by})`);
  step('reloaded');
  let login = await confirmingLogin(i, txId);
  if (login.ok) {
    // Asked of the server as root through the first session: the files say whether the change stands.
    const kept = await i.shell.run(keptCheck(txId), { timeoutMs: 30_000 });
    if (kept.stdout.split('\n').includes(`VR-KEPT-${txId}`)) {
      step('confirmed');
      return { ...base, outcome: 'kept', armed };
    }
    login = { ok: false, error: 'confirmed, but the revert had already run' };
  }
  step('login-failed', login.error);
  // Why: the collector on the live (hardened) configuration, through the session still open.
  const users = [i.target.user];
  const live = (await collect(i.shell, users, clientAddress)).collection;
  const diagnosis = analyse({
    collection: live,
    users,
    ...(i.publicKeys[0] ? { customerKey: i.publicKeys[0] } : {}),
    clientAddress,
    sshPort: i.target.port,
  });
  const f = diagnosis.primary;
  const d = f ? describeFinding(f, i.lang) : undefined;
  const loginFailure = {
    cause: f?.cause ?? 'verify.failed',
    ...(f?.path ? { path: f.path } : {}),
    sentence: d?.sentence ?? login.error,
    fix: d?.fix ?? '',
    error: login.error,
  };
  // Back now rather than at the timer: the old session is still there. The timer stays as the net.
  const back = await i.shell.run(revertNow(txId), { timeoutMs: 30_000 }).catch(() => undefined);
  step('reverted', back?.stdout.includes('VR-REVERTED') ? 'now' : 'by the timer');
  return { ...base, outcome: 'reverted', armed, loginFailure };
}

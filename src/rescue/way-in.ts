import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { getProvider, loadProvider } from '../../providers/index.js';
import { planAccess, type AccessPath } from '../../providers/plan.js';
import { CAPABILITIES, type ProviderAdapter, type ServerRef } from '../../providers/types.js';
import type { ConsoleEndpoint } from '../console/endpoint.js';
import { isRescueError, RescueError } from '../errors/rescue-error.js';
import { hasMessage, t, type Lang, type MessageKey } from '../i18n/index.js';
import type { ServerShell } from './server-shell.js';
import { runCommandShell } from './shells/run-command-shell.js';
import { rescueSystemWay } from './rescue-system-way.js';
import { mask } from '../secrets.js';

/** A way in that was not taken, and why (localized, masked). */
export interface SkippedWay {
  path: AccessPath;
  reason: string;
  /** the failure of a way that opened but did not let the rescue in (e.g. the console login refused) */
  error?: unknown;
}

/** A console that answered but refused the login: the real cause when no other way gets in either. */
const LOGIN_REFUSED = new Set(['console.login-failed', 'console.account-locked', 'console.password-expired']);

/** Which way into the server the rescue takes and why: for the progress lines and the report. */
export interface WayIn {
  path: AccessPath;
  /** Why this kind of way sits where it does in the order (localized). */
  reason: string;
  /** Every earlier way in the order, with the reason it was not taken. */
  skipped: SkippedWay[];
  /** The ways the vendor declares, best first. */
  offers: AccessPath[];
}

/** What the rescue is handed: a console to log in on, or a root shell that needs no login. */
export type ProviderAccess = WayIn &
  (
    | { kind: 'console'; endpoint: ConsoleEndpoint }
    | {
        kind: 'shell';
        shell: () => Promise<ServerShell>;
        /** Leaves what the way set up (a rescue system: the server boots its own system); idempotent. */
        release?: () => Promise<void>;
      }
  );

export interface ChooseOptions {
  lang: Lang;
  progress: (step: string, detail?: string) => void;
  /** Where a non-console way in writes its transcript (a console session writes its own). */
  transcriptPath?: string;
  timeoutMs?: number;
  /**
   * Called right before a console is opened (a Proxmox termproxy ticket lasts 10 s, so a password
   * prompt must come first); false: no console password can be had, so the console is skipped.
   */
  beforeConsole?: () => Promise<boolean>;
  /** false: ways that reboot the server (a rescue system) are skipped (--dry-run, --action diagnose). */
  mayReboot?: boolean;
  /** Called before any way is opened (e.g. to make the folder its transcript goes to). */
  beforeOpen?: () => void;
}

/**
 * Errors that say nothing about the other ways in: the credentials, the quota or the server itself
 * are wrong, so trying the next way would only fail again (or hide the real problem). A 403 is not
 * among them: a token may lack VM.Console and still hold the guest-agent permission.
 */
const FATAL = new Set([
  'auth.failed',
  'provider.rate-limited',
  'provider.not-found',
  'provider.ambiguous',
  'config.missing-credentials',
  // The server could not be brought back from the rescue system: another way in would only meet it.
  'rescue.still-in-rescue',
]);

function reasonOf(lang: Lang, err: unknown): string {
  if (!isRescueError(err) || FATAL.has(err.code)) throw err;
  return mask(t(lang, `error.${err.code}` as MessageKey, err.params));
}

const pathName = (lang: Lang, path: AccessPath) => t(lang, `providers.path.${path}` as MessageKey);

/**
 * Tries the ways in, best first: serial console, guest-agent commands, rescue system, VNC console
 * (the order and its reasons come from planAccess). A way the vendor lacks, or whose opening fails
 * with anything but a credentials/quota/lookup error, is skipped with its reason; the first that
 * opens is returned. Only the rescue system reboots the server (into it, and back when released).
 */
export async function chooseWayIn(
  adapter: ProviderAdapter,
  server: ServerRef,
  o: ChooseOptions,
  resume?: { after: AccessPath; skipped: SkippedWay[] },
): Promise<ProviderAccess> {
  const offers = planAccess(adapter.capabilities).map((s) => s.path);
  const skipped: SkippedWay[] = [...(resume?.skipped ?? [])];
  const skip = (path: AccessPath, reason: string) => {
    skipped.push({ path, reason });
    o.progress('way-in', t(o.lang, 'providers.way-in.skipped', { path: pathName(o.lang, path), reason }));
  };
  const order = planAccess(CAPABILITIES);
  const from = resume ? order.findIndex((s) => s.path === resume.after) + 1 : 0;
  for (const step of order.slice(from)) {
    if (!offers.includes(step.path)) {
      skip(step.path, t(o.lang, 'providers.way-in.not-offered', { provider: adapter.id }));
      continue;
    }
    const reason = t(o.lang, step.reason);
    const chosen = (): WayIn => {
      o.progress(
        'way-in',
        t(o.lang, 'providers.way-in.chosen', { path: pathName(o.lang, step.path), reason }),
      );
      const met = adapter.prerequisitesMet?.(server, step.capability);
      if (met) o.progress('way-in', mask(met));
      return { path: step.path, reason, skipped, offers };
    };
    try {
      o.beforeOpen?.();
      if (step.path === 'serial-console' || step.path === 'vnc-console') {
        if (o.beforeConsole && !(await o.beforeConsole())) {
          skip(step.path, t(o.lang, 'providers.way-in.no-console-password'));
          continue;
        }
        const endpoint = await adapter.openConsole(server, step.path === 'serial-console' ? 'serial' : 'vnc');
        return { ...chosen(), kind: 'console', endpoint };
      }
      if (step.path === 'run-command') {
        if (o.mayReboot === false && getProvider(adapter.id).reboots?.includes(step.capability)) {
          skip(step.path, t(o.lang, 'providers.way-in.no-reboot'));
          continue;
        }
        const shell = await probedShell(adapter, server, o);
        return { ...chosen(), kind: 'shell', shell: () => Promise.resolve(shell) };
      }
      if (o.mayReboot === false) {
        skip(step.path, t(o.lang, 'providers.way-in.no-reboot'));
        continue;
      }
      const shell = await rescueSystemWay(adapter, server, o);
      return {
        ...chosen(),
        kind: 'shell',
        shell: () => Promise.resolve(shell),
        release: () => shell.close(),
      };
    } catch (err) {
      skip(step.path, reasonOf(o.lang, err));
    }
  }
  const refused = skipped.find((w) => isRescueError(w.error) && LOGIN_REFUSED.has(w.error.code));
  if (refused && isRescueError(refused.error)) {
    // The login refusal is the cause (with the user it tried); the other ways follow as hints.
    const others = skipped.filter((w) => w !== refused);
    throw new RescueError(refused.error.code, refused.error.params, {
      cause: refused.error,
      hints: others.map((w) =>
        t(o.lang, 'cli.hint.way-skipped', { path: pathName(o.lang, w.path), reason: w.reason }),
      ),
    });
  }
  throw new RescueError('rescue.no-way-in', {
    server: server.name,
    reason: skipped.map((s) => `${pathName(o.lang, s.path)}: ${s.reason}`).join('; '),
    offers: offers.map((p) => pathName(o.lang, p)).join(', ') || t(o.lang, 'rescue.offers.none'),
  });
}

/** A run-command shell that has shown it answers, as root, before the rescue relies on it. */
async function probedShell(
  adapter: ProviderAdapter,
  server: ServerRef,
  o: ChooseOptions,
): Promise<ServerShell> {
  // A folder may name its command channel (e.g. the vendor's product name); else the generic one.
  const own = `providers.via.${adapter.id}.run-command`;
  const shell = runCommandShell({
    adapter,
    server,
    via: t(o.lang, hasMessage(own) ? own : 'providers.way-in.via-agent', { provider: adapter.id }),
    transcript: o.transcriptPath,
    timeoutMs: o.timeoutMs,
  });
  const r = await shell.run('id -u', { timeoutMs: 30_000 });
  const uid = r.stdout.trim();
  if (r.exitCode !== 0 || uid !== '0') {
    await shell.close();
    throw new RescueError('provider.precondition', {
      provider: adapter.id,
      operation: 'run commands',
      reason: t(o.lang, 'providers.way-in.not-root', { uid: uid.slice(0, 40) }),
    });
  }
  return shell;
}

/**
 * Failures that mean the rescue never got a shell on the server, so nothing was changed and the next
 * way in may still work: the console refused the login (unknown or expired password, locked
 * account), showed no prompt (no getty), or could not be reached.
 */
const NOT_IN_YET = new Set([
  'rescue.no-way-in',
  'console.unavailable',
  'console.connect',
  'console.no-prompt',
  'console.login-failed',
  'console.account-locked',
  'console.password-expired',
  'console.no-root',
]);

export function cameNoFurther(err: unknown): boolean {
  return isRescueError(err) && NOT_IN_YET.has(err.code);
}

/** Why a way that opened still did not let the rescue in (localized, masked). */
function failedReason(lang: Lang, err: unknown): string {
  if (isRescueError(err) && err.code === 'rescue.no-way-in') return mask(String(err.params.reason));
  return reasonOf(lang, err);
}

export type ProviderWay = ProviderAccess & {
  server: ServerRef;
  /** After this way opened but the rescue could not get in through it: the next way, or no-way-in. */
  next: (failure: unknown) => Promise<ProviderWay>;
};

/**
 * `--provider X --host Y`: find the server through the vendor API and choose the way in (see
 * chooseWayIn). Progress lines say which way was taken and why each earlier one was not.
 */
export async function accessFromProvider(
  providerId: string,
  host: string,
  settings: { env: Readonly<Record<string, string | undefined>>; lang: Lang },
  endpoint: string | undefined,
  progress: (step: string, detail?: string) => void,
  opts: Pick<ChooseOptions, 'transcriptPath' | 'beforeConsole' | 'mayReboot' | 'beforeOpen'> = {},
): Promise<ProviderWay> {
  const adapter = await loadProvider(providerId, {
    env: settings.env,
    endpoint,
    lang: settings.lang,
    readTextFile: (path) => readFile(path, 'utf8').catch(() => undefined),
    notice: (text) => progress('way-in', text),
  });
  const server = await adapter.findServer(isIP(host) ? { ip: host } : { name: host });
  progress('find-server', `${server.name} (${server.id}, ${server.status})`);
  const o: ChooseOptions = { ...opts, lang: settings.lang, progress };
  const withNext = (access: ProviderAccess): ProviderWay => ({
    ...access,
    server,
    next: async (failure) => {
      const reason = failedReason(settings.lang, failure);
      progress(
        'way-in',
        t(settings.lang, 'providers.way-in.skipped', { path: pathName(settings.lang, access.path), reason }),
      );
      const skipped = [...access.skipped, { path: access.path, reason, error: failure }];
      return withNext(await chooseWayIn(adapter, server, o, { after: access.path, skipped }));
    },
  });
  return withNext(await chooseWayIn(adapter, server, o));
}

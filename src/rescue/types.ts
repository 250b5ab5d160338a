import type { ServerShell } from './server-shell.js';
import type { ConsoleEndpoint } from '../console/endpoint.js';
import type { ByteTransport } from '../console/transport/types.js';
import type { Diagnosis } from '../diagnose/analyse.js';
import type { Finding } from '../diagnose/findings.js';
import type { Lang } from '../i18n/index.js';
import type { Verification } from '../verify/verify.js';
import type { Action } from './plan.js';

export interface RescueOptions {
  /** the console, or a function that opens it (tests wrap transports this way) */
  console?: ConsoleEndpoint | (() => Promise<ByteTransport>);
  /**
   * Another way in than a console login, e.g. a vendor's guest agent: when set, `console` and the
   * console account are not used.
   */
  shell?: () => Promise<ServerShell>;
  /** where the outside verification connects (the server's public address) */
  host: string;
  sshPort?: number;
  /** the account to log in with on the console, and its password (secret) */
  consoleUser?: string;
  consolePassword?: string;
  /** the account whose SSH access is rescued; default: the first regular account */
  user?: string;
  /** secret: that user's own password, if known, for a real password login in the verification */
  userPassword?: string;
  action: Action;
  dryRun?: boolean;
  /** the customer's public key (any format the key normaliser accepts) */
  customerKey?: string;
  /** secret: the customer's private key, when available, for a real key login in the verification */
  privateKey?: string;
  windowMinutes: number;
  permanent?: boolean;
  expirePassword?: boolean;
  /** the address the verification comes from; default: the local address of a TCP connection to host */
  clientAddress?: string;
  transcriptPath?: string;
  lang: Lang;
  /** replace the user's existing password with a generated one (never done without it) */
  resetPassword?: boolean;
  /**
   * Asked before a change to accounts (an account created, a password replaced); throws to refuse.
   * Not set: the caller decided already (library use, tests).
   */
  confirmAccountChange?: (change: AccountChange) => Promise<void>;
  /** where a generated password goes: shown once on the terminal, or a 0600 file */
  handOverPassword?: (user: string, password: string) => Promise<string>;
  /** what the provider offers besides the console (for the "no way in" explanation) */
  providerOffers?: string[];
  onEvent?: (event: RescueEvent) => void;
  now?: () => Date;
  /**
   * An interruption (SIGINT/SIGTERM/SIGHUP): the rescue stops at the next safe point, logs the
   * console out and throws rescue.interrupted saying what state the server is in.
   */
  signal?: AbortSignal;
}

export type RescueEvent =
  { kind: 'step'; step: string; detail?: string } | { kind: 'change'; description: string };

export interface AppliedChange {
  action: 'fix' | 'authorize-key' | 'enable-password' | 'create-user';
  txId: string;
  status: 'ok' | 'rolled-back' | 'failed' | 'unknown';
  failedStep?: string;
  backupDir: string;
  files: string[];
  /** unified diffs of text files that changed (public content only) */
  diffs: { path: string; diff: string }[];
  fixed: Finding[];
  /**
   * A password window. Times are the server's (its own clock, read back after opening); `seconds`
   * is its length as counted on the server; no `until` = permanent. `skewSeconds`: server clock
   * minus this machine's.
   */
  window?: {
    mode: 'dropin' | 'inline';
    seconds?: number;
    opened?: string;
    until?: string;
    skewSeconds?: number;
  };
  generatedPasswordHandedOver?: string;
}

/** A change to accounts that is confirmed first. */
export interface AccountChange {
  kind: 'create-user' | 'create-user-forced' | 'reset-password' | 'set-password';
  user: string;
  host: string;
  /** changes this run applied before asking (auto: the key repair came first), as "action txId" */
  before: string[];
}

/** A transaction a real run would send (--dry-run, --action diagnose): nothing of it was applied. */
export interface PlannedChange {
  action: AppliedChange['action'];
  txId: string;
  /** files backed up (and so possibly changed), and those whose mode or owner may change */
  files: string[];
  /** the shell steps, by name, exactly as they would run as root on the server */
  steps: { name: string; code: string }[];
  /** sshd is checked (sshd -t) and reloaded after the steps */
  reload: boolean;
  /** only if the change before it did not let the user in (auto: keys first, then the window) */
  onlyIfStillRefused?: boolean;
  window?: { minutes?: number; mode: 'dropin' | 'inline' };
  /** a password would be generated and set */
  setsPassword?: boolean;
}

export interface TimelineEntry {
  at: string;
  step: string;
  detail?: string;
}

export interface RescueResult {
  ok: boolean;
  host: string;
  /** the SSH port the verification used (the customer's) */
  sshPort?: number;
  user: string;
  action: Action;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  timeline: TimelineEntry[];
  /** what was found before any change */
  diagnosis?: Diagnosis;
  /** what the same checks find after the changes */
  after?: Diagnosis;
  /** findings not fixed by this run, with the reason */
  notFixed: Finding[];
  changes: AppliedChange[];
  /** --dry-run and --action diagnose: what a real run would do, in order */
  plan?: PlannedChange[];
  /** the error a real run would stop with, after the planned changes before it */
  planStop?: { code: string; params: Record<string, string | number> };
  verification?: Verification;
  /** The way in the rescue went through (e.g. "console", "guest agent"). */
  via?: string;
  counters?: { bytesTyped: number; bytesReceived: number; roundTrips: number; commands: number };
  transcriptPath?: string;
  /** the known error a failed or rolled-back rescue ended with (its report is still written) */
  error?: { code: string; params: Record<string, string | number> };
}

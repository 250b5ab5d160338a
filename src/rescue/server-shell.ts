import type { SessionCounters } from '../console/session.js';

/** A script to put on the server and run with sh, in one exchange where the channel allows it. */
export interface ScriptRun {
  /** Where the script is kept on the server (a new file under WORK_DIR). */
  path: string;
  script: string;
  /** Values the script reads from its environment; secrets go here, never into the script text. */
  env?: Record<string, string>;
  /** One line of sh run first (e.g. creating the work directory); its output comes first in stdout. */
  before?: string;
  /** One line of sh run after the script, whatever its result (its output follows the script's). */
  after?: string;
  timeoutMs?: number;
  /** Set for a transaction (its id): once started it is waited for, never cut from our side. */
  transaction?: string;
  /** Cuts the wait short (an interruption); never passed for a transaction. */
  signal?: AbortSignal;
}

export interface ShellResult {
  stdout: string;
  /** The exit code of the command, or of the script for runScript. */
  exitCode: number;
}

/**
 * A root shell on the server, however it was reached: a console login (serial, VNC), or a vendor's
 * run-command channel (guest agent). The rescue needs no more than this, so every way in runs the
 * same collector, transactions and checks.
 */
export interface ServerShell {
  /** What the rescue went through, for the report (e.g. "serial console", "guest agent"). */
  readonly via: string;
  /** One line of sh as root. */
  run(cmd: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<ShellResult>;
  /** Writes the script to `path` and runs it; a damaged transfer is console.upload-failed and runs nothing. */
  runScript(req: ScriptRun): Promise<ShellResult>;
  /** Bytes typed and round trips, when the channel is a console. */
  readonly counters?: SessionCounters;
  /**
   * The server's own system is not running: the shell works on its disk from a rescue system
   * (chrooted). Nothing is started or reloaded, `sshd -t` is the only check, and close() brings the
   * server back on its own system before the outside verification.
   */
  readonly offline?: boolean;
  /** Leaves nothing open: a console is logged out (an offline shell also leaves the rescue system). */
  close(): Promise<void>;
}

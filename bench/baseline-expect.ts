import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORDS, type LabServer } from '../lab/index.js';
import type { RunCost } from './stats.js';

/** The drop-in the baseline writes: what a person would type to let alice in with her password. */
export const BASELINE_DROPIN = '/etc/ssh/sshd_config.d/00-bench-baseline.conf';
const COMMAND_LINE =
  `printf 'Match User alice\\n\\tPasswordAuthentication yes\\n' > ${BASELINE_DROPIN}` +
  ' && systemctl reload ssh';

/**
 * The bar: a bare expect script on the console — Enter, root login, one line that re-opens password
 * login for alice, the prompt back. The password comes in the environment (never argv); expect counts
 * what it types and every wait for an answer, and prints the time the prompt came back.
 * Tcl braces keep the command line's backslashes for the server's printf.
 */
export const EXPECT_SCRIPT = String.raw`
set timeout 30
log_user 0
set socket [lindex $argv 0]
set typed 0
set trips 0
proc type {s} { global typed; send -- $s; incr typed [string length $s] }
proc await {re what} {
  global trips
  incr trips
  expect {
    -re $re {}
    timeout { puts stderr "baseline: timeout waiting for $what"; exit 2 }
    eof { puts stderr "baseline: console closed waiting for $what"; exit 3 }
  }
}
spawn -noecho socat -,raw,echo=0 UNIX-CONNECT:$socket
type "\r"
await {login: $} login
type "root\r"
await {Password: ?$} password
type "$env(VPS_BENCH_PW)\r"
await {# $} shell
set line {${COMMAND_LINE}}
type "$line\r"
await {# $} reload
puts "DONE [clock milliseconds] $typed $trips"
type "exit\r"
await {login: $} logout
puts "LOGGEDOUT [clock milliseconds] $typed $trips"
`;

export interface BaselineRun extends RunCost {
  /** the same script carried on to `exit` and getty's next `login:`, as the rescue's own logout */
  withLogout: RunCost;
}

/** One baseline run on a fresh server: time from spawning expect to the prompt after the reload. */
export async function runBaseline(server: LabServer): Promise<BaselineRun> {
  const dir = await mkdtemp(join(tmpdir(), 'vps-rescue-bench-'));
  try {
    const script = join(dir, 'baseline.exp');
    await writeFile(script, EXPECT_SCRIPT, { mode: 0o600 });
    const started = Date.now();
    const { stdout, stderr, code } = await runExpect(script, server.consoleSocket);
    const done = /^DONE (\d+) (\d+) (\d+)$/m.exec(stdout);
    const out = /^LOGGEDOUT (\d+) (\d+) (\d+)$/m.exec(stdout);
    if (code !== 0 || !done || !out)
      throw new Error(`baseline expect failed (exit ${code}): ${stderr.trim()}`);
    const costAt = (m: RegExpExecArray): RunCost => ({
      ms: Number(m[1]) - started,
      bytesTyped: Number(m[2]),
      roundTrips: Number(m[3]),
      commands: 1,
    });
    // Proof the bare script did the job the rescue is compared with (outside the timed part).
    const login = await server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
    if (!login.ok) throw new Error('baseline: alice still cannot log in with her password after the reload');
    return { ...costAt(done), withLogout: costAt(out) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runExpect(
  script: string,
  socket: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('expect', [script, socket], {
      env: { ...process.env, VPS_BENCH_PW: PASSWORDS.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

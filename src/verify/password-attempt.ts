import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthenticationType } from 'ssh2';
import type { Target } from './ssh-probe.js';

const { Client } = ssh2;

/**
 * The proof for a password only the customer knows: a login with a deliberately wrong password, then
 * sshd's own log line for that very connection (matched by its source port). `Failed password for
 * alice from A port P` is written only after sshd accepted the user (AllowUsers, DenyUsers, shell,
 * account) and really ran password authentication; every earlier refusal logs something else
 * (`not allowed because`, `Invalid user`, `Failed password for invalid user`) or nothing at all.
 */

export type AttemptVerdict =
  /** sshd checked the password for this user: the right password lets them in */
  | { kind: 'tried' }
  /** sshd refused the user before any password was checked */
  | { kind: 'refused'; line: string }
  /** no log line for this connection: nothing is proven either way */
  | { kind: 'no-log' };

/** Reads sshd's recent log lines on the server (over the console) that mention `needle`. */
export type LogReader = (needle: string) => Promise<string>;

const FAILED = /Failed (?:password|keyboard-interactive\/pam) for (invalid user )?(\S+) from \S+ port (\d+)/;
const REFUSED = [
  /User (\S+) from \S+ not allowed because/,
  /Invalid user (\S+) from \S+ port (\d+)/,
  /User (\S+) not allowed because/,
];

/** What sshd's log says about one password attempt by `user` from source port `port`. */
export function classifyAttemptLog(text: string, user: string, port: number): AttemptVerdict {
  let tied: string | undefined;
  let reason: string | undefined;
  for (const line of text.split('\n')) {
    const failed = FAILED.exec(line);
    if (failed && failed[2] === user && Number(failed[3]) === port) {
      if (!failed[1]) return { kind: 'tried' };
      tied = line.trim();
      continue;
    }
    for (const re of REFUSED) {
      const m = re.exec(line);
      if (!m || m[1] !== user) continue;
      // A refusal without a port (AllowUsers, shell) cannot be tied to the connection: it only explains.
      if (m[2] === undefined) reason = line.trim();
      else if (Number(m[2]) === port) tied = line.trim();
    }
  }
  const line = reason ?? tied;
  return line === undefined ? { kind: 'no-log' } : { kind: 'refused', line };
}

/** The wrong password: random, so it can never be anyone's real one. */
function wrongPassword(): string {
  return `vr-wrong-${randomBytes(12).toString('hex')}`;
}

/**
 * One password attempt that is bound to fail, from a socket whose source port we know. Resolves with
 * the port once sshd has answered (refused) or the connection ended.
 */
export function attemptWrongPassword(t: Target, user: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket: Socket = tcpConnect({ host: t.host, port: t.port });
    let port: number | undefined;
    const client = new Client();
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      client.end();
      socket.destroy();
      resolve(port);
    };
    socket.once('error', finish);
    socket.setTimeout(t.timeoutMs ?? 15_000, finish);
    socket.once('connect', () => {
      port = socket.localPort;
      client.on('error', finish);
      client.on('close', finish);
      // A login must never happen: should the wrong password be accepted, the session is dropped.
      client.on('ready', finish);
      client.connect({
        sock: socket,
        username: user,
        password: wrongPassword(),
        tryKeyboard: false,
        authHandler: ['password'] as AuthenticationType[],
        readyTimeout: t.timeoutMs ?? 15_000,
        hostVerifier: () => true,
      });
    });
  });
}

/** The sh line that prints sshd's recent log lines containing `needle` (journal, else the log files). */
export function logGrepCommand(needle: string): string {
  if (!/^[\w .-]{1,64}$/.test(needle)) throw new Error(`unsafe log needle: ${needle}`);
  return `{ journalctl -qn200 -u 'ssh*'||tail -n400 /var/log/auth.log /var/log/secure /var/log/messages;} 2>/dev/null|grep -F '${needle}'|tail -n8`;
}

/** The wrong-password attempt and its log line: the server's own word on whether the password was tried. */
export async function passwordAttemptLogged(
  t: Target,
  user: string,
  readLog: LogReader,
): Promise<AttemptVerdict & { port?: number }> {
  const port = await attemptWrongPassword(t, user);
  if (port === undefined) return { kind: 'no-log' };
  // sshd logs the failure before it answers; journald may still be writing it: one retry.
  for (let i = 0; i < 2; i++) {
    const verdict = classifyAttemptLog(await readLog(` ${user} `), user, port);
    if (verdict.kind !== 'no-log') return { ...verdict, port };
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { kind: 'no-log', port };
}

import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client, ConnectConfig, ParsedKey } from 'ssh2';
import { Transcript } from '../console/transcript.js';
import { RescueError } from '../errors/rescue-error.js';
import { mask, registerSecret } from '../secrets.js';
import type { ServerShell } from '../rescue/server-shell.js';
import { stdinShellCommands } from '../rescue/shells/run-command-shell.js';
import { hostKeyCheck, type HostKeyPolicy, type HostKeyVerdict } from './host-key.js';

/** How the user logs in over SSH: a key file, the agent, a password (what works today). */
export interface SshCredentials {
  /** The private key (secret), from --identity. */
  privateKey?: string;
  /** SSH_AUTH_SOCK: the agent's socket. */
  agent?: string;
  /** The user's password (secret): the login where that is how the user gets in, and sudo's. */
  password?: string;
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  credentials: SshCredentials;
  hostKey: HostKeyPolicy;
  readyTimeoutMs?: number;
}

export type LoginMethod = 'publickey' | 'agent' | 'password' | 'keyboard-interactive';

/** An SSH login as the user: the connection, how it got in, and the key the server proved. */
export interface SshLogin {
  client: Client;
  method: LoginMethod;
  hostKey: string;
}

/** The public keys (`type base64`) the credentials hold: the key file's, or every key in the agent. */
export async function publicKeysOf(credentials: SshCredentials): Promise<string[]> {
  if (credentials.privateKey !== undefined) {
    const parsed = ssh2.utils.parseKey(credentials.privateKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error) return [];
    return [`${key.type} ${key.getPublicSSH().toString('base64')}`];
  }
  if (credentials.agent === undefined) return [];
  const agent = new ssh2.OpenSSHAgent(credentials.agent);
  const keys = await new Promise<ParsedKey[]>((resolve) =>
    agent.getIdentities((err, found) => resolve(err ? [] : ((found ?? []) as ParsedKey[]))),
  );
  return keys.map((k) => `${k.type} ${k.getPublicSSH().toString('base64')}`);
}

/** The methods to offer, in order: keys before passwords, as OpenSSH's client does. */
function methodsFor(user: string, c: SshCredentials): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (c.privateKey !== undefined) methods.push({ type: 'publickey', username: user, key: c.privateKey });
  else if (c.agent !== undefined) methods.push({ type: 'agent', username: user, agent: c.agent });
  if (c.password !== undefined) {
    const password = c.password;
    methods.push({ type: 'password', username: user, password });
    methods.push({
      type: 'keyboard-interactive',
      username: user,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return methods;
}

/**
 * Logs in as the user, the host key checked before any credential is sent. A refused host key,
 * a refused login and an unreachable server are three different errors, each one line.
 */
export function sshConnect(t: SshTarget): Promise<SshLogin> {
  registerSecret(t.credentials.password);
  registerSecret(t.credentials.privateKey);
  const check = hostKeyCheck(t.hostKey, t.host, t.port);
  const methods = methodsFor(t.user, t.credentials);
  let verdict: HostKeyVerdict | undefined;
  let current: LoginMethod | undefined;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const config: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.user,
      readyTimeout: t.readyTimeoutMs ?? 20_000,
      ...(check.algorithms ? { algorithms: { serverHostKey: check.algorithms as never } } : {}),
      hostVerifier: (key: Buffer) => {
        verdict = check.verify(key);
        return verdict.ok;
      },
      authHandler: (left: AuthenticationType[] | null, _partial: boolean, next) => {
        for (;;) {
          const m = methods.shift();
          if (!m) return next(false as never);
          const needs = m.type === 'agent' ? 'publickey' : m.type;
          if (left && !left.includes(needs)) continue;
          current = m.type as LoginMethod;
          return next(m);
        }
      },
    };
    client.once('ready', () =>
      resolve({ client, method: current ?? 'publickey', hostKey: verdict?.fingerprint ?? '' }),
    );
    client.once('error', (err: Error & { level?: string }) => {
      client.end();
      if (verdict && !verdict.ok) {
        const code = verdict.problem === 'unknown' ? 'ssh.host-key-unknown' : 'ssh.host-key-mismatch';
        return reject(
          new RescueError(code, { host: t.host, port: t.port, fingerprint: verdict.fingerprint }),
        );
      }
      if (err.level === 'client-authentication')
        return reject(new RescueError('ssh.login-refused', { user: t.user, host: t.host, port: t.port }));
      reject(new RescueError('ssh.connect', { host: t.host, port: t.port, reason: mask(err.message) }));
    });
    client.connect(config);
  });
}

interface Exec {
  out: string;
  err: string;
  exitCode: number;
}

/** One exec channel: `command` as the user, `input` on its stdin (never on any argv). */
export function execOn(client: Client, command: string, input: string, timeoutMs: number): Promise<Exec> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err)
        return reject(new RescueError('ssh.connect', { host: '-', port: 0, reason: mask(err.message) }));
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      let exitCode = -1;
      const timer = setTimeout(() => {
        stream.close();
        reject(
          new RescueError('console.timeout', {
            waitingFor: 'the end of a command over SSH',
            seconds: Math.round(timeoutMs / 1000),
            screen: '-',
          }),
        );
      }, timeoutMs);
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => errs.push(d));
      stream.on('exit', (code: number | null) => (exitCode = code ?? -1));
      stream.on('close', () => {
        clearTimeout(timer);
        resolve({
          out: Buffer.concat(out).toString('utf8'),
          err: Buffer.concat(errs).toString('utf8'),
          exitCode,
        });
      });
      stream.end(input);
    });
  });
}

/** How root is reached from the user's session: already root, sudo without a password, or with one. */
export type RootVia = 'root' | 'sudo-nopasswd' | 'sudo-password';

/** The work runs under sudo with cached credentials ignored: the password line is always read first. */
const SUDO_PASSWORD = "sudo -k -S -p '' -- /bin/sh";
const SUDO_NOPASSWD = 'sudo -k -n -- /bin/sh';

/**
 * Finds out, once, how this session becomes root: the password (if any) is tried with `sudo -S` on
 * its own before any work is sent, so a wrong one is one clear error and never eats a program's lines.
 */
export async function rootAccess(
  client: Client,
  user: string,
  password: string | undefined,
): Promise<RootVia> {
  if (user === 'root') return 'root';
  if ((await execOn(client, 'sudo -k -n true', '', 20_000)).exitCode === 0) return 'sudo-nopasswd';
  if (password === undefined)
    throw new RescueError('ssh.sudo-refused', {
      user,
      reason: 'sudo needs a password (--password-env / --password-file)',
    });
  const r = await execOn(client, "sudo -k -S -p '' true", `${password}\n`, 20_000);
  if (r.exitCode !== 0)
    throw new RescueError('ssh.sudo-refused', {
      user,
      reason: mask(r.err.trim().split('\n').pop() ?? `exit ${r.exitCode}`),
    });
  return 'sudo-password';
}

export interface SshShell extends ServerShell {
  /** One line of sh as the user (no sudo): what the user's own session sees. */
  runAsUser(cmd: string, timeoutMs?: number): Promise<{ stdout: string; exitCode: number }>;
  readonly login: SshLogin;
  readonly rootVia: RootVia;
}

/**
 * A root shell over an ordinary SSH session of the user: every command is one exec channel running
 * /bin/sh with the program on stdin, through sudo unless the user is root. The sudo password goes
 * down the same stdin ahead of the program; nothing secret is ever on a command line.
 */
export async function sshShell(o: {
  target: SshTarget;
  transcript?: Transcript | string;
  timeoutMs?: number;
  /** Asks for the sudo password on the terminal, once, when sudo wants one and none was given. */
  askSudoPassword?: () => Promise<string | undefined>;
}): Promise<SshShell> {
  const login = await sshConnect(o.target);
  login.client.on('error', () => undefined);
  let rootVia: RootVia;
  try {
    const needs =
      o.target.user !== 'root' && (await execOn(login.client, 'sudo -k -n true', '', 20_000)).exitCode !== 0;
    if (needs && o.target.credentials.password === undefined && o.askSudoPassword) {
      const asked = await o.askSudoPassword();
      registerSecret(asked);
      if (asked !== undefined) o.target.credentials.password = asked;
    }
    rootVia = await rootAccess(login.client, o.target.user, o.target.credentials.password);
  } catch (err) {
    login.client.end();
    throw err;
  }
  const transcript = o.transcript instanceof Transcript ? o.transcript : new Transcript(o.transcript);
  transcript.note(
    `connected: ssh ${o.target.user}@${o.target.host}:${o.target.port} (${login.method}, host key ${login.hostKey}, root via ${rootVia})`,
  );
  const command =
    rootVia === 'root' ? '/bin/sh' : rootVia === 'sudo-nopasswd' ? SUDO_NOPASSWD : SUDO_PASSWORD;
  const prefix = rootVia === 'sudo-password' ? `${o.target.credentials.password}\n` : '';
  let commands = 0;
  let bytesTyped = 0;
  let bytesReceived = 0;
  const exec = async (program: string, timeoutMs?: number) => {
    commands++;
    bytesTyped += Buffer.byteLength(program);
    const r = await execOn(login.client, command, prefix + program, timeoutMs ?? o.timeoutMs ?? 60_000);
    const out = r.err ? `${r.out}${r.err}` : r.out;
    bytesReceived += Buffer.byteLength(out);
    return { out, exitCode: r.exitCode };
  };
  return {
    via: `ssh ${o.target.user}@${o.target.host}`,
    login,
    rootVia,
    get counters() {
      return { bytesTyped, bytesReceived, roundTrips: commands, commands, reconnects: 0 };
    },
    ...stdinShellCommands(exec, transcript),
    async runAsUser(cmd: string, timeoutMs = 30_000) {
      const r = await execOn(login.client, '/bin/sh', `exec 2>&1\n${cmd}\n`, timeoutMs);
      return { stdout: r.out, exitCode: r.exitCode };
    },
    async close() {
      login.client.end();
      transcript.note('closed');
      transcript.flush();
    },
  };
}

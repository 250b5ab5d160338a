import { connect as tcpConnect } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthenticationType, ConnectConfig, ParsedKey } from 'ssh2';

const { Client, BaseAgent, utils } = ssh2;

/**
 * Checks from outside, with a real SSH client (ssh2) against the server's address: what an SSH
 * login by the customer would meet. The host keys read over the console pin every connection, so a
 * password goes only to the server it belongs to; without them, the first key seen is trusted.
 */

export interface Target {
  host: string;
  port: number;
  timeoutMs?: number;
  /** the server's public host keys (`type base64`), read over the console; empty: trust on first use */
  hostKeys?: string[];
}

/** What ssh2 says when the host key verifier refused the server. */
export const HOST_KEY_MISMATCH = 'host key does not match the keys read on the console';

/** Accepts exactly the pinned host key blobs (any of them: the server offers the one it negotiates). */
export function hostKeyVerifier(hostKeys: string[] | undefined): ((key: Buffer) => boolean) | undefined {
  if (!hostKeys?.length) return undefined;
  const pinned = hostKeys.map((k) => Buffer.from(k.split(' ')[1] ?? '', 'base64'));
  return (key) => pinned.some((p) => p.length > 0 && p.equals(key));
}

export function tcpReachable(t: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: t.host, port: t.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(t.timeoutMs ?? 5000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function baseConfig(t: Target, username: string): ConnectConfig {
  return {
    host: t.host,
    port: t.port,
    username,
    readyTimeout: t.timeoutMs ?? 15_000,
    hostVerifier: hostKeyVerifier(t.hostKeys) ?? (() => true),
  };
}

/** The auth methods the server offers `user` (the answer to a "none" request), or undefined if unreachable. */
export function offeredMethods(t: Target, user: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const client = new Client();
    let methods: string[] | undefined;
    client.on('error', () => resolve(methods));
    client.on('ready', () => {
      // "none" succeeded: the server asks for no authentication at all.
      client.end();
      resolve(['none']);
    });
    client.connect({
      ...baseConfig(t, user),
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft === null) return next({ type: 'none', username: user });
        methods = [...methodsLeft];
        return next(false as unknown as AuthenticationType);
      },
    });
  });
}

export interface LoginResult {
  ok: boolean;
  /** stdout of the command, when logged in */
  output?: string;
  error?: string;
}

function loginAndRun(config: ConnectConfig, command: string): Promise<LoginResult> {
  return new Promise((resolve) => {
    const client = new Client();
    let settled = false;
    const finish = (r: LoginResult) => {
      if (settled) return;
      settled = true;
      client.end();
      resolve(r);
    };
    client.on('error', (err) =>
      finish({
        ok: false,
        error: /verification failed/i.test(err.message) ? HOST_KEY_MISMATCH : err.message,
      }),
    );
    client.on('ready', () => {
      client.exec(command, (err, stream) => {
        if (err) return finish({ ok: false, error: err.message });
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
        stream.stderr.on('data', () => {});
        stream.on('close', (code: number | null) =>
          finish(code === 0 ? { ok: true, output: out } : { ok: false, output: out, error: `exit ${code}` }),
        );
      });
    });
    client.connect(config);
  });
}

export function passwordLogin(
  t: Target,
  user: string,
  password: string,
  command = 'id -un',
): Promise<LoginResult> {
  return loginAndRun(
    {
      ...baseConfig(t, user),
      password,
      tryKeyboard: false,
      authHandler: ['password'] as AuthenticationType[],
    },
    command,
  );
}

export function keyLogin(
  t: Target,
  user: string,
  privateKey: string,
  command = 'id -un',
): Promise<LoginResult> {
  return loginAndRun(
    { ...baseConfig(t, user), privateKey, authHandler: ['publickey'] as AuthenticationType[] },
    command,
  );
}

/**
 * The public-key query of RFC 4252 §7 with only the public half: sshd answers PK_OK only when the
 * key file, StrictModes, key options and algorithm checks pass. ssh2 asks the agent to sign only
 * after PK_OK, so a sign request means "accepted"; the agent then declines, and no login happens.
 * It does not cover PermitRootLogin, PAM account checks or AuthenticationMethods.
 */
export function keyWouldBeAccepted(
  t: Target,
  user: string,
  publicKey: string | string[],
): Promise<boolean | undefined> {
  // Several keys (those found on the server) are offered in one connection, as an agent would.
  const parsed: ParsedKey[] = [];
  for (const text of Array.isArray(publicKey) ? publicKey : [publicKey]) {
    const result = utils.parseKey(text);
    if (!(result instanceof Error)) parsed.push(Array.isArray(result) ? (result[0] as ParsedKey) : result);
  }
  if (parsed.length === 0) return Promise.resolve(undefined);
  let accepted = false;
  class QueryAgent extends BaseAgent {
    override getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
      cb(undefined, parsed);
    }
    override sign(_key: unknown, _data: Buffer, ...rest: unknown[]): void {
      accepted = true;
      const cb = rest[rest.length - 1] as (err?: Error) => void;
      cb(new Error('query only'));
    }
  }
  return new Promise((resolve) => {
    const client = new Client();
    client.on('error', () => resolve(accepted));
    client.on('ready', () => {
      client.end();
      resolve(true);
    });
    client.connect({
      ...baseConfig(t, user),
      agent: new QueryAgent() as unknown as ConnectConfig['agent'],
      authHandler: ['agent'] as AuthenticationType[],
    });
  });
}

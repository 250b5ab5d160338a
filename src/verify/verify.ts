import {
  keyLogin,
  keyWouldBeAccepted,
  offeredMethods,
  passwordLogin,
  tcpReachable,
  type Target,
} from './ssh-probe.js';

export interface VerifyInput {
  target: Target;
  user: string;
  /** secret: verify a password login with it */
  password?: string;
  /** secret: the customer's private key, when the support engineer has it (tests, self-service) */
  privateKey?: string;
  /** the customer's public key: without the private half, the server's acceptance is queried */
  publicKey?: string;
  /** password login was opened but its password is unknown here: check that it is offered */
  expectPassword?: boolean;
}

export interface Verification {
  reachable: boolean;
  /** auth methods offered to the user and to root ("none" request) */
  methods: Record<string, string[] | undefined>;
  login?: { via: 'password' | 'key' | 'key-query' | 'offered-methods'; ok: boolean; detail?: string };
  /** password login must not be offered to root (it was not asked for) */
  rootPasswordOffered: boolean;
  /** the server's host key: pinned to the keys read on the console, or trusted on first use (none could be read) */
  hostKey: 'pinned' | 'trust-on-first-use';
  passed: boolean;
}

/** Proves from outside that the way in works: TCP, offered methods, then a real login (or the key query). */
export async function verify(input: VerifyInput): Promise<Verification> {
  const { target, user } = input;
  const reachable = await tcpReachable(target);
  const methods: Record<string, string[] | undefined> = {};
  const hostKey = target.hostKeys?.length ? 'pinned' : 'trust-on-first-use';
  if (!reachable) return { reachable, methods, rootPasswordOffered: false, passed: false, hostKey };
  // Independent connections, so they go together: each is a full SSH handshake.
  const [userMethods, rootMethods, proven] = await Promise.all([
    offeredMethods(target, user),
    user !== 'root' ? offeredMethods(target, 'root') : undefined,
    realLogin(input),
  ]);
  methods[user] = userMethods;
  if (user !== 'root') methods.root = rootMethods;
  let login = proven;
  if (!login && input.expectPassword) {
    // Nobody here knows the user's password: the weaker proof is that sshd now offers it to them.
    const offered = (methods[user] ?? []).includes('password');
    login = { via: 'offered-methods', ok: offered, detail: offered ? undefined : 'password not offered' };
  }
  const rootPasswordOffered = user !== 'root' && (methods.root ?? []).includes('password');
  return { reachable, methods, login, rootPasswordOffered, passed: login?.ok === true, hostKey };
}

/** A real login (key or password) running `id -un`, or the public-key query; undefined when none is possible. */
async function realLogin(input: VerifyInput): Promise<Verification['login']> {
  const { target, user } = input;
  if (input.privateKey) {
    const r = await keyLogin(target, user, input.privateKey);
    return { via: 'key', ok: r.ok && r.output?.trim() === user, detail: r.error };
  }
  if (input.password !== undefined) {
    const r = await passwordLogin(target, user, input.password);
    return { via: 'password', ok: r.ok && r.output?.trim() === user, detail: r.error };
  }
  if (input.publicKey) {
    const accepted = await keyWouldBeAccepted(target, user, input.publicKey);
    return {
      via: 'key-query',
      ok: accepted === true,
      detail: accepted === undefined ? 'unparsable key' : undefined,
    };
  }
  return undefined;
}

import { passwordAttemptLogged, type LogReader } from './password-attempt.js';
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
  /**
   * the customer's public key, or the keys found in the user's own key file on the server: without
   * the private half, the server's acceptance is queried
   */
  publicKey?: string | string[];
  /** password login was opened but its password is unknown here: prove that sshd really tries it */
  expectPassword?: boolean;
  /** sshd's log on the server (over the console), for the wrong-password proof */
  readLog?: LogReader;
}

/**
 * How the way in was proven. Only these count: a real login, the key query answered "accepts", or
 * sshd's own log showing it checked a password for this user. Offered methods prove nothing: sshd
 * offers `password` to users it refuses anyway (AllowUsers, DenyUsers).
 */
export type ProofVia = 'key' | 'password' | 'key-query' | 'password-attempt-logged';

/** proven: sshd lets the user in; refused: it does not; not-proven: nothing here could tell. */
export type Proof = 'proven' | 'refused' | 'not-proven';

export interface Verification {
  reachable: boolean;
  /** auth methods offered to the user and to root ("none" request): shown, never taken as proof */
  methods: Record<string, string[] | undefined>;
  login?: { via: ProofVia; ok: boolean; detail?: string };
  proof: Proof;
  /** password login must not be offered to root (it was not asked for) */
  rootPasswordOffered: boolean;
  /** the server's host key: pinned to the keys read on the console, or trusted on first use (none could be read) */
  hostKey: 'pinned' | 'trust-on-first-use';
  passed: boolean;
}

/** Proves from outside that the way in works: TCP, then a real login, the key query or the logged attempt. */
export async function verify(input: VerifyInput): Promise<Verification> {
  const { target, user } = input;
  const reachable = await tcpReachable(target);
  const methods: Record<string, string[] | undefined> = {};
  const hostKey = target.hostKeys?.length ? 'pinned' : 'trust-on-first-use';
  if (!reachable)
    return { reachable, methods, proof: 'refused', rootPasswordOffered: false, passed: false, hostKey };
  // Independent connections, so they go together: each is a full SSH handshake.
  const [userMethods, rootMethods, proven] = await Promise.all([
    offeredMethods(target, user),
    user !== 'root' ? offeredMethods(target, 'root') : undefined,
    realLogin(input),
  ]);
  methods[user] = userMethods;
  if (user !== 'root') methods.root = rootMethods;
  let login = proven;
  if (!login && input.expectPassword) login = await attemptLogged(input);
  const rootPasswordOffered = user !== 'root' && (methods.root ?? []).includes('password');
  const proof: Proof = login === undefined ? 'not-proven' : login.ok ? 'proven' : proofOfFailure(login);
  return { reachable, methods, login, proof, rootPasswordOffered, passed: proof === 'proven', hostKey };
}

/** A failed attempt is a refusal, except when the server's log simply said nothing. */
function proofOfFailure(login: NonNullable<Verification['login']>): Proof {
  return login.via === 'password-attempt-logged' && login.detail === NO_LOG ? 'not-proven' : 'refused';
}

const NO_LOG = 'no sshd log line for the attempt';

async function attemptLogged(input: VerifyInput): Promise<Verification['login']> {
  if (!input.readLog) return undefined;
  const verdict = await passwordAttemptLogged(input.target, input.user, input.readLog);
  if (verdict.kind === 'tried') return { via: 'password-attempt-logged', ok: true };
  return {
    via: 'password-attempt-logged',
    ok: false,
    detail: verdict.kind === 'refused' ? verdict.line : NO_LOG,
  };
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
      detail: accepted === undefined ? 'unparsable key' : accepted ? undefined : 'key not accepted',
    };
  }
  return undefined;
}

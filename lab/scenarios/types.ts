import type { Suite } from '../image.js';
import type { KeyPair } from '../keys.js';
import type { ServerSpec } from '../spec.js';

export interface ScenarioContext {
  /** The owner's (customer's) key pair: the public half is what they tried to install. */
  key: KeyPair;
  /** The same public key as PuTTYgen shows it (RFC 4716). */
  rfc4716: string;
}

export interface ScenarioExpectation {
  /** What the owner's real key login does on this server. */
  keyLogin: 'accepted' | 'refused';
  /** sshd's journal shows this line after the key login attempt (the proof from the refusal catalogue). */
  sshdLog?: RegExp;
  /** Where an older or newer OpenSSH logs the same refusal differently (or only at DEBUG). */
  sshdLogBySuite?: Partial<Record<Suite, RegExp>>;
  sshd: 'up' | 'down';
  /** A password login that proves a non-lockout scenario behaves as described. */
  passwordLogin?: { user: string; result: 'accepted' | 'refused' };
  /** Whether the rescuer can log in on the console with the password the customer gave. */
  console: 'login-works' | 'no-password';
}

/** One way an owner locks themselves out, as data: what the server looks like and what is true of it. */
export interface Scenario {
  id: string;
  title: string;
  /** What the owner did, in one or two sentences. */
  story: string;
  /** The account the owner logs in with. */
  loginUser: string;
  /** The account the rescuer logs in with on the console, with its password. */
  consoleUser: { name: string; password: string };
  build: (ctx: ScenarioContext) => ServerSpec;
  expect: ScenarioExpectation;
  /** Cause codes the diagnosis must report (the first is the primary cause). */
  expectedCauses: string[];
}

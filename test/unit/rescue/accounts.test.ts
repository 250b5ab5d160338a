import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmer } from '../../../src/cli/confirm.js';
import type { CliContext } from '../../../src/cli/context.js';
import type { Collection, PasswdEntry } from '../../../src/diagnose/collection.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';
import {
  assertAccountAsked,
  candidatesFor,
  editDistance,
  noAccountCanLogIn,
} from '../../../src/rescue/accounts.js';
import { errorCodeOf } from '../../support/error-code.js';

const entry = (name: string, uid: number, shell = '/bin/bash'): PasswdEntry => ({
  name,
  uid,
  gid: uid,
  home: uid === 0 ? '/root' : `/home/${name}`,
  shell,
});

/** The parts of a collection the account decision reads: passwd and root's effective PermitRootLogin. */
function collection(passwd: PasswdEntry[], permitRootLogin = 'no'): Collection {
  return {
    passwd,
    users: {
      root: {
        name: 'root',
        effective: { rc: 0, values: { permitrootlogin: [permitRootLogin] } },
        keyFiles: [],
      },
    },
  } as unknown as Collection;
}

const SERVER = collection([
  entry('root', 0),
  entry('daemon', 1, '/usr/sbin/nologin'),
  entry('alice', 1000),
  entry('bob', 1001),
  entry('alicia', 1002),
  entry('svc', 1003, '/usr/sbin/nologin'),
]);

describe('which account the rescue works on', () => {
  it('edit distance counts single-letter edits', () => {
    expect(editDistance('alcie', 'alice')).toBe(2);
    expect(editDistance('alice', 'alice')).toBe(0);
    expect(editDistance('', 'bob')).toBe(3);
    expect(editDistance('bbo', 'bob')).toBe(2);
  });

  it('lists login accounts, closest first, never nologin ones', () => {
    expect(candidatesFor(SERVER, 'alcie')).toEqual(['alice', 'alicia', 'bob', 'root']);
    expect(candidatesFor(SERVER, 'bbo')[0]).toBe('bob');
    expect(candidatesFor(SERVER, 'svx')).not.toContain('svc');
  });

  it("a typo'd user stops with usage.unknown-user, naming alice first and how to create it", () => {
    let err: unknown;
    try {
      assertAccountAsked({ c: SERVER, user: 'alcie', action: 'auto', host: 'web-1', lang: 'en' });
    } catch (e) {
      err = e;
    }
    expect(isRescueError(err) && err.code).toBe('usage.unknown-user');
    expect(isRescueError(err) && err.exitCode).toBe(2);
    expect(isRescueError(err) && err.params.candidates).toBe('alice, alicia, bob, root');
    expect(isRescueError(err) && err.hints).toEqual(['to create it: --action create-user --user alcie']);
  });

  it('every action but create-user refuses an unknown user while someone can log in', async () => {
    for (const action of ['auto', 'fix', 'authorize-key', 'enable-password', 'diagnose'] as const) {
      const p = Promise.resolve().then(() =>
        assertAccountAsked({ c: SERVER, user: 'carol', action, host: 'h', lang: 'en' }),
      );
      expect(await errorCodeOf(p)).toBe('usage.unknown-user');
    }
  });

  it('create-user: only a new account; an existing one is usage.user-exists', async () => {
    expect(
      assertAccountAsked({ c: SERVER, user: 'carol', action: 'create-user', host: 'h', lang: 'en' }),
    ).toMatchObject({
      createsAccount: true,
    });
    const p = Promise.resolve().then(() =>
      assertAccountAsked({ c: SERVER, user: 'alice', action: 'create-user', host: 'h', lang: 'en' }),
    );
    expect(await errorCodeOf(p)).toBe('usage.user-exists');
  });

  it('an existing user is worked on as it is', () => {
    expect(assertAccountAsked({ c: SERVER, user: 'alice', action: 'auto', host: 'h', lang: 'en' })).toEqual({
      createsAccount: false,
    });
  });

  it('auto creates an account only when nobody could log in (root only, root login off), and says why', () => {
    const rootOnly = collection([entry('root', 0), entry('daemon', 1, '/usr/sbin/nologin')]);
    expect(noAccountCanLogIn(rootOnly)).toBe(true);
    const d = assertAccountAsked({ c: rootOnly, user: 'admin', action: 'auto', host: 'h', lang: 'en' });
    expect(d.createsAccount).toBe(true);
    expect(d.why).toMatch(/no account can log in/);
    // Root may still log in with a key: a missing name is a typo again.
    const rootKeys = collection([entry('root', 0)], 'prohibit-password');
    expect(noAccountCanLogIn(rootKeys)).toBe(false);
    expect(noAccountCanLogIn(SERVER)).toBe(false);
  });
});

describe('confirming a change to accounts', () => {
  const ctx = (lines: string[]): CliContext => ({
    lang: 'en',
    json: false,
    debug: false,
    quiet: false,
    verbose: false,
    stdout: () => undefined,
    stderr: (s) => lines.push(s),
    env: {},
  });
  const change = { kind: 'create-user' as const, user: 'carol', host: 'web-1', before: [] };

  it('--yes answers it, and the change is still said', async () => {
    const lines: string[] = [];
    await confirmer(ctx(lines), true)(change);
    expect(lines).toEqual(['creating the account carol (with sudo rights) on web-1']);
  });

  it('without a terminal and without --yes: usage.confirm-needed', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
    expect(await errorCodeOf(confirmer(ctx([]), false, stdin)(change))).toBe('usage.confirm-needed');
  });

  it('refused after earlier changes of the run: says which stay, not "nothing was changed"', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
    const later = {
      kind: 'set-password' as const,
      user: 'alice',
      host: 'web-1',
      before: ['fix 20261124-ab12'],
    };
    const err = await confirmer(ctx([]), false, stdin)(later).catch((e: unknown) => e);
    expect(isRescueError(err) && err.code).toBe('usage.confirm-needed');
    expect(isRescueError(err) && String(err.params.state)).toBe(
      'nothing more was changed; done before: fix 20261124-ab12',
    );
    expect(isRescueError(err) && String(err.params.change)).toMatch(
      /giving alice on web-1 a generated password/,
    );
  });

  it('on a terminal: "y" goes ahead, anything else is usage.declined', async () => {
    const answer = async (text: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream;
      const p = confirmer(ctx([]), false, stdin)(change);
      (stdin as unknown as PassThrough).write(`${text}\n`);
      return errorCodeOf(p);
    };
    expect(await answer('y')).toBe('ok');
    expect(await answer('yes')).toBe('ok');
    expect(await answer('')).toBe('usage.declined');
    expect(await answer('n')).toBe('usage.declined');
  });
});

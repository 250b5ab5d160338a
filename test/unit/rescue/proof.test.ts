import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeFor } from '../../../src/errors/codes.js';
import { t } from '../../../src/i18n/index.js';
import type { Diagnosis } from '../../../src/diagnose/analyse.js';
import { finding, type Finding } from '../../../src/diagnose/findings.js';
import { customerTry, remainingBlockers, wayOf, withBlockers } from '../../../src/rescue/proof.js';
import type { Verification } from '../../../src/verify/verify.js';

const diagnosis = (findings: Finding[]): Diagnosis => ({
  findings,
  summary: { versionLine: 'OpenSSH_9.2p1', os: {} as Diagnosis['summary']['os'], settings: {} },
});

const keyMissing = finding('keys.file-missing', 'error', { op: 'manual' }, { user: 'alice' });
const notAllowed = finding('policy.user-filter', 'error', { op: 'manual' }, { user: 'alice' });
const rootKey = finding('keys.file-missing', 'error', { op: 'manual' }, { user: 'root' });
const daemonDown = finding('daemon.down', 'error', { op: 'manual' });

const proven = (via: NonNullable<Verification['login']>['via']): Verification => ({
  reachable: true,
  methods: {},
  login: { via, ok: true },
  proof: 'proven',
  rootPasswordOffered: false,
  passed: true,
  hostKey: 'pinned',
});

describe('what still blocks the way that was opened', () => {
  it('a key way is blocked by the user’s key findings; a password way is not', () => {
    const d = diagnosis([keyMissing, rootKey]);
    expect(remainingBlockers(d, 'alice', 'key')).toEqual([keyMissing]);
    expect(remainingBlockers(d, 'alice', 'password')).toEqual([]);
  });

  it('a user filter or a stopped daemon blocks every way', () => {
    const d = diagnosis([notAllowed, daemonDown]);
    expect(remainingBlockers(d, 'alice', 'password')).toEqual([notAllowed, daemonDown]);
  });

  it('what the rescue left on purpose does not count', () => {
    const expired = finding('account.password-expired', 'error', { op: 'manual' }, { user: 'alice' });
    expect(
      remainingBlockers(diagnosis([expired]), 'alice', 'password', ['account.password-expired']),
    ).toEqual([]);
  });
});

describe('a proof with a blocking cause left is not a proof', () => {
  it('downgrades a proven login to not-proven and names the cause', () => {
    const v = withBlockers(proven('password-attempt-logged'), [notAllowed]);
    expect(v.proof).toBe('not-proven');
    expect(v.passed).toBe(false);
    expect(v.login?.detail).toContain('policy.user-filter');
  });

  it('keeps a proven login when nothing is left', () => {
    expect(withBlockers(proven('key-query'), []).passed).toBe(true);
  });

  it('never turns a refusal into anything else', () => {
    const refused: Verification = { ...proven('password'), proof: 'refused', passed: false };
    expect(withBlockers(refused, [notAllowed])).toBe(refused);
  });
});

describe('what the customer is asked to try', () => {
  it('follows the way that was opened', () => {
    expect(wayOf(proven('key-query'))).toBe('key');
    expect(wayOf(proven('password-attempt-logged'))).toBe('password');
    expect(customerTry({ user: 'alice', host: 'h', port: 22, way: 'password' })).toBe(
      'ssh -o PreferredAuthentications=password -o PubkeyAuthentication=no alice@h',
    );
    expect(customerTry({ user: 'alice', host: 'h', port: 2222, way: 'key' })).toContain('-p 2222 alice@h');
  });
});

describe('not proven is its own result', () => {
  it('has its own exit code and says what the customer should try, in both languages', () => {
    expect(exitCodeFor('verify.not-proven')).toBe(EXIT_CODES.notProven);
    expect(EXIT_CODES.notProven).not.toBe(exitCodeFor('verify.failed'));
    const params = { host: 'h', user: 'alice', reason: 'no log line', next: 'ssh alice@h' };
    expect(t('en', 'error.verify.not-proven', params)).toContain('ssh alice@h');
    expect(t('ja', 'error.verify.not-proven', params)).toContain('ssh alice@h');
  });
});

import { describe, expect, it } from 'vitest';
import { classifyAttemptLog, logGrepCommand } from '../../../src/verify/password-attempt.js';

/** Lines as sshd writes them (auth.c auth_log, auth.c allowed_user, auth2.c), journal prefix included. */
const J = 'Dec 03 04:40:01 lab sshd[812]:';

describe('the wrong-password attempt, read back from sshd’s log', () => {
  it('is proof when sshd checked the password for this user on this connection', () => {
    const log = `${J} Failed password for alice from 10.0.0.9 port 51234 ssh2\n`;
    expect(classifyAttemptLog(log, 'alice', 51234)).toEqual({ kind: 'tried' });
  });

  it('is proof for a keyboard-interactive/PAM attempt too', () => {
    const log = `${J} Failed keyboard-interactive/pam for alice from 10.0.0.9 port 51234 ssh2\n`;
    expect(classifyAttemptLog(log, 'alice', 51234)).toEqual({ kind: 'tried' });
  });

  it('is no proof when the line belongs to another connection or another user', () => {
    const log = [
      `${J} Failed password for alice from 10.0.0.9 port 40000 ssh2`,
      `${J} Failed password for alice2 from 10.0.0.9 port 51234 ssh2`,
      `${J} Failed password for bob from 10.0.0.9 port 51234 ssh2`,
    ].join('\n');
    expect(classifyAttemptLog(log, 'alice', 51234)).toEqual({ kind: 'no-log' });
  });

  it('is a refusal when sshd refused the user before the password (AllowUsers, DenyUsers)', () => {
    const log = [
      `${J} User alice from 10.0.0.9 not allowed because not listed in AllowUsers`,
      `${J} Failed password for invalid user alice from 10.0.0.9 port 51234 ssh2`,
    ].join('\n');
    const v = classifyAttemptLog(log, 'alice', 51234);
    expect(v.kind).toBe('refused');
    expect(v.kind === 'refused' && v.line).toMatch(/not allowed because not listed in AllowUsers/);
  });

  it('is a refusal for an unknown user and for a missing shell', () => {
    const invalid = `${J} Invalid user alice from 10.0.0.9 port 51234`;
    expect(classifyAttemptLog(invalid, 'alice', 51234).kind).toBe('refused');
    const shell = `${J} User alice not allowed because shell /bin/nosh does not exist`;
    expect(classifyAttemptLog(shell, 'alice', 51234).kind).toBe('refused');
  });

  it('says nothing when the log has no line at all', () => {
    expect(classifyAttemptLog('', 'alice', 51234)).toEqual({ kind: 'no-log' });
    expect(
      classifyAttemptLog(`${J} Connection closed by 10.0.0.9 port 51234 [preauth]`, 'alice', 51234),
    ).toEqual({
      kind: 'no-log',
    });
  });

  it('types only a safe needle into the console', () => {
    expect(logGrepCommand(' alice ')).toContain("grep -F ' alice '");
    expect(() => logGrepCommand("alice';reboot;'")).toThrow();
  });
});

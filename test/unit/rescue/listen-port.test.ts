import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnose/analyse.js';
import { finding } from '../../../src/diagnose/findings.js';
import { runAction, type ActionContext } from '../../../src/rescue/actions.js';
import type { RescueOptions } from '../../../src/rescue/types.js';

/** sshd runs on 2222 while the customer connects to 22: only the port is wrong. */
const listen = finding(
  'daemon.listen',
  'error',
  { op: 'manual' },
  { params: { port: 22, listenPort: 2222 } },
);
const diagnosis: Diagnosis = {
  findings: [listen],
  primary: listen,
  summary: { versionLine: 'OpenSSH_9.2p1', os: {}, settings: {} },
};

function context(o: Partial<RescueOptions>) {
  const marks: string[] = [];
  const x = {
    o: { host: 'vps', action: 'auto', lang: 'en', ...o },
    c: {
      passwd: [{ name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' }],
      users: {},
    },
    diagnosis,
    user: 'alice',
    changes: [],
    mark: (step: string, detail?: string) => marks.push(`${step}: ${detail ?? ''}`),
    now: () => new Date(0),
  } as unknown as ActionContext;
  return { x, marks };
}

describe('auto when sshd only listens on another port', () => {
  it('checks there first and changes nothing when the keys on the server are accepted there', async () => {
    const { x, marks } = context({});
    const checks: unknown[] = [];
    await runAction('auto', x, (password) => {
      checks.push(password);
      return Promise.resolve(true);
    });
    expect(checks).toEqual([undefined]);
    expect(x.changes).toEqual([]);
    expect(marks.some((m) => m.startsWith('enable-password'))).toBe(false);
  });

  it('with the customer’s port named, opens no password window: it would not be reached there either', async () => {
    const { x, marks } = context({ sshPort: 22 });
    let checks = 0;
    await runAction('auto', x, () => {
      checks += 1;
      return Promise.resolve(false);
    });
    expect(checks).toBe(1);
    expect(x.changes).toEqual([]);
    expect(marks).toContain('enable-password: not opened: sshd does not listen on port 22');
  });
});

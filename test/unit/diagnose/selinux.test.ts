import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import type { Finding } from '../../../src/diagnose/findings.js';
import { parseSelinux } from '../../../src/diagnose/selinux.js';
import { compileFixes } from '../../../src/rescue/fix-ops.js';
import { renderTransaction } from '../../../src/rescue/transaction.js';

/*
 * SELinux rules on recorded command outputs (test/fixtures/selinux/, formats and origins in its
 * README), put into a collector run recorded on a lab server where alice's key is accepted.
 */
const SE = join(import.meta.dirname, '../../fixtures/selinux');
const DIAG = join(import.meta.dirname, '../../fixtures/diagnose');
const out = (name: string) => readFileSync(join(SE, name), 'utf8').split('\n').filter(Boolean);
const KEY_FILE = '/home/alice/.ssh/authorized_keys';

/** The recorded run with an `M` section (what the collector prints on an SELinux server) added. */
function withSelinux(lines: string[]): { collection: Collection; key: string } {
  const text = readFileSync(join(DIAG, 'x-crlf-ok.txt'), 'utf8');
  const key = (JSON.parse(readFileSync(join(DIAG, 'x-crlf-ok.json'), 'utf8')) as { customerKey: string })
    .customerKey;
  const end = /^@@VR (\S+) END (\d+)$/m.exec(text)!;
  const [nonce, count] = [end[1]!, Number(end[2])];
  const section = [`@@VR ${nonce} ${count + 1} M ${lines.length}`, ...lines].join('\n');
  const framed = text.replace(end[0], `${section}\n@@VR ${nonce} END ${count + 1}`);
  return { collection: parseCollection(framed, nonce), key };
}

function diagnose(lines: string[], port?: string[], sshPort?: number) {
  const { collection, key } = withSelinux(lines);
  if (port) collection.users.alice!.effective.values.port = port;
  const d = analyse({
    collection,
    users: ['alice', 'root'],
    customerKey: key,
    clientAddress: '127.0.0.1',
    ...(sshPort ? { sshPort } : {}),
  });
  return { collection, d };
}

/** Both languages fill every placeholder of the finding's sentence and fix. */
function expectDescribed(f: Finding | undefined) {
  expect(f).toBeDefined();
  for (const lang of ['en', 'ja'] as const) {
    const text = describeFinding(f!, lang);
    expect(`${text.sentence} ${text.fix}`, `${f!.cause} ${lang}`).not.toMatch(/\{\w+\}/);
    expect(text.sentence.length).toBeGreaterThan(20);
  }
}

describe('SELinux as the collector reports it', () => {
  it('reads the mode, the relabels restorecon -n -v would make and the ssh_port_t ports', () => {
    expect(
      parseSelinux([
        ...out('getenforce-enforcing.txt'),
        ...out('restorecon-nv-ssh-dir-user-home.txt'),
        ...out('semanage-port-2222.txt'),
      ]),
    ).toEqual({
      mode: 'enforcing',
      relabel: [
        {
          path: '/home/alice/.ssh',
          current: 'unconfined_u:object_r:user_home_t:s0',
          expected: 'unconfined_u:object_r:ssh_home_t:s0',
        },
        {
          path: KEY_FILE,
          current: 'unconfined_u:object_r:user_home_t:s0',
          expected: 'unconfined_u:object_r:ssh_home_t:s0',
        },
      ],
      sshPorts: [
        [2222, 2222],
        [22, 22],
      ],
    });
    const twice = out('restorecon-nv-ssh-dir-user-home.txt').slice(0, 1);
    expect(parseSelinux(['Enforcing', ...twice, ...twice])?.relabel).toHaveLength(1);
    expect(parseSelinux(['ssh_port_t                     tcp      22, 8022-8024'])).toBeUndefined();
    expect(
      parseSelinux(['Permissive', 'ssh_port_t                     tcp      22, 8022-8024'])?.sshPorts,
    ).toEqual([
      [22, 22],
      [8022, 8024],
    ]);
  });

  it('a server without SELinux (no getenforce: an empty section) has no SELinux state', () => {
    expect(withSelinux([]).collection.selinux).toBeUndefined();
    expect(diagnose([]).d.primary).toBeUndefined();
  });
});

describe('keys.selinux-context', () => {
  it('enforcing: authorized_keys moved from /tmp (user_tmp_t) is the blocking cause, fixed by restorecon', () => {
    const { d } = diagnose([
      ...out('getenforce-enforcing.txt'),
      ...out('restorecon-nv-authorized-keys-from-tmp.txt'),
      ...out('semanage-port-default.txt'),
    ]);
    expect(d.primary?.cause).toBe('keys.selinux-context');
    expect(d.primary?.path).toBe(KEY_FILE);
    expect(d.primary?.params).toMatchObject({ current: 'user_tmp_t', expected: 'ssh_home_t', count: 1 });
    expect(d.primary?.fix).toEqual({ op: 'restorecon', user: 'alice', paths: [KEY_FILE] });
    expectDescribed(d.primary);
  });

  it('permissive: only a warning (sshd is not denied), nothing blocks', () => {
    const { d } = diagnose([
      ...out('getenforce-permissive.txt'),
      ...out('restorecon-nv-authorized-keys-from-tmp.txt'),
    ]);
    expect(d.primary).toBeUndefined();
    const f = d.findings.find((x) => x.cause === 'keys.selinux-context');
    expect(f?.severity).toBe('warning');
    expect(f?.blocking).toBe(false);
  });

  it('disabled, or a relabel of a path outside the key chain: no finding', () => {
    const baseline = diagnose([]).d.findings;
    expect(
      diagnose([...out('getenforce-disabled.txt'), ...out('restorecon-nv-authorized-keys-from-tmp.txt')]).d
        .findings,
    ).toEqual(baseline);
    const elsewhere = diagnose([
      'Enforcing',
      'Would relabel /etc/shadow from system_u:object_r:user_tmp_t:s0 to system_u:object_r:shadow_t:s0',
    ]);
    expect(elsewhere.d.findings.map((f) => f.cause)).not.toContain('keys.selinux-context');
  });
});

describe('daemon.selinux-port', () => {
  it('Port 2222 not labelled ssh_port_t: sshd can bind none of its ports → blocking, semanage port -a', () => {
    const { d } = diagnose(
      [...out('getenforce-enforcing.txt'), ...out('semanage-port-default.txt')],
      ['2222'],
    );
    expect(d.primary?.cause).toBe('daemon.selinux-port');
    expect(d.primary?.fix).toEqual({ op: 'selinux-port', port: 2222 });
    expectDescribed(d.primary);
  });

  it('Port 2222 labelled (semanage port -a done): no finding', () => {
    const { d } = diagnose([...out('getenforce-enforcing.txt'), ...out('semanage-port-2222.txt')], ['2222']);
    expect(d.findings.map((f) => f.cause)).not.toContain('daemon.selinux-port');
  });

  it('22 and 2222 with the customer on 22: named, but not what stops the customer', () => {
    const { d } = diagnose(
      [...out('getenforce-enforcing.txt'), ...out('semanage-port-default.txt')],
      ['22', '2222'],
      22,
    );
    const f = d.findings.find((x) => x.cause === 'daemon.selinux-port');
    expect(f?.params).toMatchObject({ port: 2222, mode: 'enforcing' });
    expect(f?.blocking).toBe(false);
    expect(d.primary).toBeUndefined();
  });
});

/** The lib's cdp as the transaction ships it, with hd and restorecon stubbed (no SELinux here). */
function runStep(code: string, home: string): { rc: number; calls: string } {
  const tx = renderTransaction({
    id: 'T',
    steps: [{ name: 's', code }],
    checks: [],
    backupFiles: [],
    backupModes: [],
  });
  const cdp = /^cdp\(\)\{[\s\S]*?done;\}$/m.exec(tx)?.[0];
  expect(cdp).toBeDefined();
  const log = join(home, '..', 'calls');
  const script = [`hd(){ h=${home}; }`, cdp!, `restorecon(){ echo "$(pwd -P) $*" >> ${log}; }`, code].join(
    '\n',
  );
  let rc = 0;
  try {
    execFileSync('dash', ['-c', script], { stdio: 'pipe' });
  } catch (err) {
    rc = (err as { status: number }).status;
  }
  let calls = '';
  try {
    calls = readFileSync(log, 'utf8');
  } catch {
    calls = '';
  }
  return { rc, calls };
}

describe('the SELinux fixes', () => {
  it('restorecon runs in the held ~/.ssh (recursively), on the file by name in its held folder', () => {
    const { collection, d } = diagnose([
      ...out('getenforce-enforcing.txt'),
      ...out('restorecon-nv-ssh-dir-user-home.txt'),
    ]);
    expect(d.primary?.fix).toEqual({
      op: 'restorecon',
      user: 'alice',
      paths: ['/home/alice/.ssh', KEY_FILE],
    });
    const fixes = compileFixes(collection, [d.primary!]);
    expect(fixes.applied).toEqual([d.primary]);
    const code = fixes.steps.map((s) => s.code).join('\n');
    expect(code).not.toMatch(/restorecon[^\n]* \/home/);
    const tx = renderTransaction({ id: 'T', ...fixes, checks: [] });
    expect(() => execFileSync('dash', ['-n'], { input: tx })).not.toThrow();

    const dir = mkdtempSync(join(tmpdir(), 'vr-selinux-'));
    try {
      const home = join(dir, 'alice');
      mkdirSync(join(home, '.ssh'), { recursive: true });
      writeFileSync(join(home, '.ssh/authorized_keys'), 'ssh-ed25519 AAAA x\n');
      chmodSync(join(home, '.ssh'), 0o700);
      const { rc, calls } = runStep(code, home);
      expect(rc).toBe(0);
      expect(calls.split('\n').filter(Boolean)).toEqual([
        `${home}/.ssh -R -v .`,
        `${home}/.ssh -R -nv .`,
        `${home}/.ssh -v ./authorized_keys`,
        `${home}/.ssh -nv ./authorized_keys`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a ~/.ssh swapped for a link (to /etc) stops the step before restorecon runs', () => {
    const { collection, d } = diagnose([
      ...out('getenforce-enforcing.txt'),
      ...out('restorecon-nv-ssh-dir-user-home.txt'),
    ]);
    const code = compileFixes(collection, [d.primary!])
      .steps.map((s) => s.code)
      .join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'vr-selinux-'));
    try {
      const home = join(dir, 'alice');
      mkdirSync(join(dir, 'elsewhere'), { recursive: true });
      mkdirSync(home);
      symlinkSync(join(dir, 'elsewhere'), join(home, '.ssh'));
      const { rc, calls } = runStep(code, home);
      expect(rc).toBe(3);
      expect(calls).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('semanage port -a (or -m when another type holds the port) for the configured port', () => {
    const { collection, d } = diagnose(
      [...out('getenforce-enforcing.txt'), ...out('semanage-port-default.txt')],
      ['2222'],
    );
    const fixes = compileFixes(collection, [d.primary!]);
    expect(fixes.steps.map((s) => s.code)).toEqual([
      'semanage port -a -t ssh_port_t -p tcp 2222||semanage port -m -t ssh_port_t -p tcp 2222',
    ]);
    expect(
      compileFixes(collection, [{ ...d.primary!, fix: { op: 'selinux-port', port: 70000 } }]).skipped,
    ).toHaveLength(1);
  });
});

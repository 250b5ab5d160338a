import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/diagnose/collection.js';
import type { Finding, FixOp } from '../../../src/diagnose/findings.js';
import { compileFixes } from '../../../src/rescue/fix-ops.js';
import { passwordWindow } from '../../../src/rescue/password-window.js';
import { planCreateUser } from '../../../src/rescue/plan.js';
import { parseShownFiles, renderTransaction, type Transaction } from '../../../src/rescue/transaction.js';

const dashAccepts = (script: string) => execFileSync('dash', ['-n'], { input: script, stdio: 'pipe' });

/** The shell scripts a transaction writes with `cat > PATH <<'VR_EOF'` (the closer) are scripts too. */
function embeddedScripts(tx: string): string[] {
  return [...tx.matchAll(/<<'VR_EOF'\n([\s\S]*?)\nVR_EOF/g)]
    .map((m) => m[1]!)
    .filter((body) => body.startsWith('#!/bin/sh'));
}

const withDropIns = {
  configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['Include /etc/ssh/sshd_config.d/*.conf'] }],
} as unknown as Collection;
const withoutDropIns = {
  configFiles: [{ path: '/etc/ssh/sshd_config', lines: ['PasswordAuthentication no'] }],
} as unknown as Collection;

describe('generated server scripts', () => {
  for (const [name, c] of [
    ['drop-in', withDropIns],
    ['inline', withoutDropIns],
  ] as const) {
    it(`the ${name} password window and its closer are sh that dash accepts`, () => {
      const plan = passwordWindow(c, {
        txId: 'T1-ab',
        user: 'alice',
        windowMinutes: 60,
        setPassword: true,
      });
      const tx = renderTransaction(plan.tx);
      expect(() => dashAccepts(tx)).not.toThrow();
      const closers = embeddedScripts(tx);
      expect(closers).toHaveLength(1);
      for (const script of closers) expect(() => dashAccepts(script)).not.toThrow();
      // A broken closer would leave the window open for ever: it must stay parseable.
      expect(() => dashAccepts(`${closers[0]}\n{`)).toThrow();
    });
  }

  it('a transaction carries only the library functions it calls', () => {
    const base: Transaction = { id: 'T2', backupFiles: [], backupModes: [], steps: [], checks: [] };
    const plain = renderTransaction(base);
    expect(plain).not.toMatch(/^g\(\)|^bf\(\)|^bm\(\)/m);
    const guarded = renderTransaction({
      ...base,
      backupFiles: ['/home/alice/.ssh/authorized_keys'],
      steps: [{ name: 's', code: "g '/home/alice/.ssh' '/home/alice'||exit 3" }],
    });
    expect(guarded).toMatch(/^g\(\)/m);
    expect(guarded).toMatch(/^bf\(\)/m);
    expect(() => dashAccepts(guarded)).not.toThrow();
    // A loop variable named like a function (`for g in`) does not bring the function along, and a
    // rollback without a user's own files has no branch that restores them as the user.
    const window = renderTransaction(
      passwordWindow(withDropIns, { txId: 'T3-ab', user: 'alice', windowMinutes: 60 }).tx,
    );
    expect(window).toMatch(/for g in/);
    expect(window).not.toMatch(/^g\(\)|^u\(\)|^F\)|^M\)/m);
    expect(window).toMatch(/^rb\(\)/m);
    const owned = renderTransaction({
      ...base,
      backupFiles: ['/home/alice/.ssh/authorized_keys'],
      owners: { '/home/alice/.ssh/authorized_keys': 'alice' },
    });
    expect(owned).toMatch(/^F\)case/m);
    expect(owned).toMatch(/^u\(\)/m);
    // Content backups only: no M lines can be in the list, so neither their branch nor ro comes along.
    expect(owned).not.toMatch(/^M\)|^ro\(\)|^bn\(\)/m);
    expect(() => dashAccepts(owned)).not.toThrow();
    const modes = renderTransaction({
      ...base,
      backupModes: ['/home/alice/.ssh'],
      owners: { '/home/alice/.ssh': 'alice' },
    });
    expect(modes).toMatch(/^M\)\(hd/m);
    expect(modes).toMatch(/^ro\(\)/m);
    expect(modes).toMatch(/^bn\(\)/m);
    expect(modes).not.toMatch(/^F\)|^bu\(\)/m);
    expect(() => dashAccepts(modes)).not.toThrow();
  });

  it('a window made for the init the collector saw carries only that init’s branches, and stops under the other', () => {
    const units = (u: Record<string, string>) => ({ ...withDropIns, units: u }) as Collection;
    const open = (c: Collection) =>
      renderTransaction(passwordWindow(c, { txId: 'T4-ab', user: 'alice', windowMinutes: 60 }).tx);
    const systemd = open(units({ ssh: 'active' }));
    expect(systemd).toMatch(/^\[ -d \/run\/systemd\/system \]\|\|return 1$/m);
    expect(systemd).toMatch(/^\(\[ -d \/run\/systemd\/system \]\|\|exit 1$/m);
    expect(systemd).not.toMatch(/rc-service|watch\)|kill -HUP/);
    expect(systemd).toContain('vps-rescue-window-boot-alice.service');
    const other = open(units({}));
    expect(other).toMatch(/^\(\[ -d \/run\/systemd\/system \]&&exit 1$/m);
    expect(other).not.toMatch(/systemctl|systemd-run|vps-rescue-window-boot/);
    expect(other).toMatch(/^watch\)/m);
    for (const tx of [systemd, other]) expect(() => dashAccepts(tx)).not.toThrow();
    // Not known (no unit section at all): both, decided on the server, as before.
    expect(open(withDropIns)).toMatch(/rc-service[\s\S]*systemd-run/);
  });

  it('shown files come back as they were before and after, final newline and all', () => {
    const hex = (s: string) => Buffer.from(s).toString('hex');
    const od = (s: string) => (s === '' ? [] : [` ${hex(s).replace(/(..)(?!$)/g, '$1 ')}`]);
    const out = [
      `@@VR-A n0nce 1 2`,
      ...od('x\n'),
      `@@VR-A n0nce 2 10`,
      ...od('no-newline'),
      `@@VR-A other 3 1`,
      ...od('c'),
      `@@VR-Z n0nce 1 4`,
      ...od('x\ny\n'),
      'VR-RESULT n0nce ok /var/backups/vps-rescue/T',
    ].join('\r\n');
    const { before, after } = parseShownFiles(out, 'n0nce', ['/etc/ssh/a', '/etc/ssh/b', '/etc/ssh/c']);
    expect(before).toEqual(
      new Map([
        ['/etc/ssh/a', 'x\n'],
        ['/etc/ssh/b', 'no-newline'],
      ]),
    );
    expect(after).toEqual(new Map([['/etc/ssh/a', 'x\ny\n']]));
  });
});

const withAlice = {
  ...withDropIns,
  passwd: [{ name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' }],
  keyFiles: {},
} as unknown as Collection;

const accountFix = (fix: FixOp): Finding =>
  ({ cause: 'account.shell', severity: 'error', blocking: true, user: 'alice', params: {}, fix }) as Finding;

function fixTx(fix: FixOp): Transaction {
  const f = compileFixes(withAlice, [accountFix(fix)]);
  return { id: 'T4', backupFiles: f.backupFiles, backupModes: f.backupModes, steps: f.steps, checks: [] };
}

/**
 * A step's code run by dash against copies of the account files, with the transaction's `fe`, and
 * with the shadow-utils commands hidden (PATH holds only the tools a busybox server has).
 */
function runStep(tx: Transaction, files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vr-step-'));
  try {
    const script = renderTransaction(tx);
    const fe = /^fe\(\)\{.*$/m.exec(script)?.[0];
    expect(fe).toBeDefined();
    let code = tx.steps.map((s) => `(${s.code}\n)||exit 9`).join('\n');
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content, { mode: 0o640 });
      code = code.replaceAll(`/etc/${name}`, join(dir, name));
    }
    const bin = join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    // The server's own tools when this machine has busybox; else the host's (but never whois' mkpasswd).
    for (const tool of ['awk', 'cat', 'rm', 'grep', 'mkpasswd'])
      execFileSync('sh', [
        '-c',
        `ln -s "$(test -x ${BUSYBOX} && echo ${BUSYBOX} || command -v ${tool})" ${bin}/${tool}`,
      ]);
    const r = execFileSync('/bin/dash', ['-c', `B=${dir}\n${fe}\n${code}`], {
      env: { PATH: bin, ...env },
      stdio: 'pipe',
    });
    const out = Object.fromEntries(Object.keys(files).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
    const modes = Object.keys(files).map((n) => statSync(join(dir, n)).mode & 0o777);
    return { out, modes, stdout: r.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BUSYBOX = '/usr/bin/busybox';
const HASH = '$6$salt$abcdefghijklmnopqrstuvwxyz0123456789./ABCDEFGHIJKLMNOPQRSTUV';
const shadow = (pw: string) => `root:${HASH}:20000:0:99999:7:::\nalice:${pw}:20000:0:99999:7::20100:\n`;

describe('account changes on a server without shadow-utils (busybox)', () => {
  const scripts: [string, Transaction][] = [
    ['set-shell', fixTx({ op: 'set-shell', user: 'alice', shell: '/bin/bash' })],
    ['unlock', fixTx({ op: 'unlock', user: 'alice' })],
    ['clear-expiry', fixTx({ op: 'clear-expiry', user: 'alice' })],
    [
      'password window with password and expiry',
      passwordWindow(withAlice, {
        txId: 'T5',
        user: 'alice',
        windowMinutes: 60,
        setPassword: true,
        expirePassword: true,
      }).tx,
    ],
    [
      'create-user with key',
      planCreateUser({ txId: 'T6', user: 'admin', customerKey: 'ssh-ed25519 AAAA x', setPassword: false }),
    ],
    ['create-user with password', planCreateUser({ txId: 'T7', user: 'admin', setPassword: true })],
  ];
  for (const [name, tx] of scripts) {
    it(`${name}: dash accepts it, and it carries fe because it uses it`, () => {
      const script = renderTransaction(tx);
      expect(() => dashAccepts(script)).not.toThrow();
      expect(script).toMatch(/^fe\(\)/m);
      expect(tx.backupFiles.some((p) => p === '/etc/shadow' || p === '/etc/passwd')).toBe(true);
    });
  }

  it('a key repair carries no fe, and up() looks in /proc instead of needing pgrep', () => {
    const script = renderTransaction(
      fixTx({ op: 'chmod', path: '/home/alice/.ssh', mode: '700', user: 'alice' } as FixOp),
    );
    expect(script).not.toMatch(/^fe\(\)/m);
    expect(script).not.toContain('pgrep');
    expect(script).toContain('grep -qx sshd /proc/[0-9]*/comm');
  });

  it('unlock drops the leading ! of a real hash and nothing else', () => {
    const tx = fixTx({ op: 'unlock', user: 'alice' });
    expect(tx.backupFiles).toContain('/etc/shadow');
    const r = runStep(tx, { shadow: shadow(`!${HASH}`) });
    expect(r.out.shadow).toBe(shadow(HASH));
    expect(r.modes).toEqual([0o640]);
    expect(runStep(tx, { shadow: shadow(`!!${HASH}`) }).out.shadow).toBe(shadow(HASH));
  });

  for (const pw of ['!', '!*', '!!', '']) {
    it(`unlock refuses to leave alice without a password (${JSON.stringify(pw)})`, () => {
      expect(() => runStep(fixTx({ op: 'unlock', user: 'alice' }), { shadow: shadow(pw) })).toThrow();
    });
  }

  it('set-shell falls back to /bin/sh when the wanted shell is not installed, in field 7 only', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/usr/bin/zsh\n';
    const tx = fixTx({ op: 'set-shell', user: 'alice', shell: '/nonexistent/bash' });
    expect(tx.backupFiles).toContain('/etc/passwd');
    const r = runStep(tx, { passwd });
    expect(r.out.passwd).toBe(passwd.replace('/usr/bin/zsh', '/bin/sh'));
  });

  it('clear-expiry empties field 8 as chage -E -1 does; expire-password sets field 3 to 0', () => {
    expect(runStep(fixTx({ op: 'clear-expiry', user: 'alice' }), { shadow: shadow(HASH) }).out.shadow).toBe(
      shadow(HASH).replace('7::20100:', '7:::'),
    );
  });

  it.skipIf(!existsSync(BUSYBOX))(
    'set-password hashes $VRPW from stdin (no chpasswd) and can expire it',
    () => {
      const tx = passwordWindow(withAlice, {
        txId: 'T8',
        user: 'alice',
        windowMinutes: 60,
        setPassword: true,
        expirePassword: true,
      }).tx;
      const steps = tx.steps.filter((s) => s.name === 'set-password' || s.name === 'expire-password');
      expect(steps).toHaveLength(2);
      expect(steps.map((s) => s.code).join('\n')).not.toContain('Pw-secret');
      const r = runStep({ ...tx, steps }, { shadow: shadow('!') }, { VRPW: 'Pw-secret-1' });
      const line = r.out.shadow!.split('\n')[1]!.split(':');
      expect(line[0]).toBe('alice');
      expect(line[1]).toMatch(/^\$6\$/);
      expect(line[2]).toBe('0');
      const salt = line[1]!.split('$')[2]!;
      const again = execFileSync(BUSYBOX, ['mkpasswd', '-m', 'sha512', '-S', salt], {
        input: 'Pw-secret-1',
      });
      expect(again.toString().trim()).toBe(line[1]);
      // An empty password is never set.
      expect(() => runStep({ ...tx, steps }, { shadow: shadow('!') }, { VRPW: '' })).toThrow();
    },
  );
});

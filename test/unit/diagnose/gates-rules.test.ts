import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import { unsatisfiable } from '../../../src/diagnose/auth-methods.js';
import type { Collection, KeyFileReport, StatEntry } from '../../../src/diagnose/collection.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { compileFixes } from '../../../src/rescue/fix-ops.js';
import { nextSteps } from '../../../src/report/labels.js';
import { listeningElsewhere } from '../../../src/rescue/proof.js';

/**
 * The causes around the gates, on collector output captured from real bookworm servers
 * (test/lab/diagnose-cases.ts, x-*): analysed as in a real ticket, without the customer's key.
 */
const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
const load = (id: string): Collection => parseCollection(readFileSync(join(DIR, `${id}.txt`), 'utf8'));
const run = (c: Collection) =>
  analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1' });
const sentence = (c: Collection) => describeFinding(run(c).primary!, 'en');

function withFile(c: Collection, path: string, change: (r: KeyFileReport) => KeyFileReport): Collection {
  return { ...c, keyFiles: { ...c.keyFiles, [path]: change(c.keyFiles[path]!) } };
}
const relabel = (line: string, comment: string) => `${line.split(' ').slice(0, 2).join(' ')} ${comment}`;
const setChain = (r: KeyFileReport, path: string, st: Partial<StatEntry>): KeyFileReport => ({
  ...r,
  chain: r.chain.map((e) => (e.path === path ? { ...e, ...st } : e)),
});

describe("a key pasted into another account's file", () => {
  const ROOT_FILE = '/root/.ssh/authorized_keys';

  it("is named with root's file and copied to alice when its comment names her (root's file is root's alone)", () => {
    const c = load('x-key-in-root-file');
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'keys.other-account',
      path: ROOT_FILE,
      params: { account: 'root', comment: '"alice@laptop"' },
      fix: {
        op: 'move-key',
        from: ROOT_FILE,
        line: 1,
        to: '/home/alice/.ssh/authorized_keys',
        user: 'alice',
      },
    });
    expect(sentence(c).sentence).toBe(
      'A key for alice is in /root/.ssh/authorized_keys, the key file of root: it was pasted into the wrong account, and sshd never reads it for alice.',
    );
    // What is copied is the key alone, written by alice into her own file.
    const fixes = compileFixes(c, [d.primary!]);
    expect(fixes.applied).toHaveLength(1);
    expect(fixes.backupFiles).toContain('/home/alice/.ssh/authorized_keys');
  });

  it("takes root's only key when root cannot log in with keys, but not root's own key when it can", () => {
    const c = load('x-key-in-root-file');
    const unnamed = withFile(c, ROOT_FILE, (r) => ({
      ...r,
      content: [relabel((r.content ?? []).join(''), 'owner@laptop')],
    }));
    expect(run(unnamed).primary).toMatchObject({
      cause: 'keys.other-account',
      params: { comment: '"owner@laptop"' },
    });
    const root = unnamed.users.root!;
    const rootKeysOn: Collection = {
      ...unnamed,
      users: {
        ...unnamed.users,
        root: {
          ...root,
          effective: {
            ...root.effective,
            values: { ...root.effective.values, permitrootlogin: ['prohibit-password'] },
          },
        },
      },
    };
    expect(run(rootKeysOn).primary?.cause).toBe('keys.file-missing');
    // Two keys, none naming alice: whose is whose is unknown.
    const two = withFile(unnamed, ROOT_FILE, (r) => ({
      ...r,
      content: [...r.content!, relabel(r.content![0]!, 'admin@desk')],
    }));
    expect(run(two).primary?.cause).toBe('keys.file-missing');
  });

  it("an empty file of alice's own, the key in root's file: the key is named, not the empty file", () => {
    const c = load('x-key-in-root-file');
    const own = '/home/alice/.ssh/authorized_keys';
    const emptyOwn = withFile(c, own, (r) => ({
      ...r,
      content: [],
      chain: r.chain.map((e, i) =>
        i === 0
          ? {
              ...e,
              exists: true,
              type: 'file' as const,
              mode: 0o600,
              uid: 1000,
              gid: 1000,
              links: 1,
              size: 0,
            }
          : i === 1
            ? { ...e, exists: true, type: 'directory' as const, mode: 0o700, uid: 1000, gid: 1000, links: 2 }
            : e,
      ),
    }));
    expect(emptyOwn.passwd.find((p) => p.name === 'alice')?.uid).toBe(1000);
    expect(run(emptyOwn).primary).toMatchObject({
      cause: 'keys.other-account',
      fix: { op: 'move-key', from: ROOT_FILE, to: own },
    });
  });

  it('never copies out of a file someone other than root could have written (reported, the window is the way)', () => {
    const c = load('x-key-in-root-file');
    const groupWritable = withFile(c, ROOT_FILE, (r) => setChain(r, '/root/.ssh', { mode: 0o770 }));
    expect(run(groupWritable).primary).toMatchObject({ cause: 'keys.other-account', fix: { op: 'manual' } });
  });

  it("in another user's file (alice2), it is named but never copied: that user may have planted it", () => {
    const c = load('x-key-in-other-account');
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'keys.other-account',
      path: '/home/alice2/.ssh/authorized_keys',
      params: { account: 'alice2' },
      fix: { op: 'manual' },
    });
    expect(describeFinding(d.primary!, 'en').fix).toContain('no proof that it belongs to alice');
    // A key whose comment names someone else is not alice's at all.
    const other = withFile(c, '/home/alice2/.ssh/authorized_keys', (r) => ({
      ...r,
      content: [relabel(r.content!.join(''), 'alice2@laptop')],
    }));
    expect(run(other).primary?.cause).toBe('keys.file-missing');
  });

  it('with the customer key given, the key itself says whose it is (keys.wrong-home, copied)', () => {
    const c = load('x-key-in-other-account');
    const key = relabel(c.keyFiles['/home/alice2/.ssh/authorized_keys']!.content!.join(''), 'x');
    const d = analyse({
      collection: c,
      users: ['alice', 'root'],
      clientAddress: '127.0.0.1',
      customerKey: key,
    });
    expect(d.primary).toMatchObject({ cause: 'keys.wrong-home', fix: { op: 'move-key' } });
  });
});

describe('a key file outside the home (AuthorizedKeysFile /etc/ssh/keys/%u)', () => {
  const FILE = '/etc/ssh/keys/alice';

  it('names the folder writable by all, checked up to /, and fixes it from its root-held parent', () => {
    const c = load('x-keyfile-outside-home-777');
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'keys.dir-mode',
      path: FILE,
      params: { path: '/etc/ssh/keys', mode: '777' },
      fix: { op: 'chmod', path: '/etc/ssh/keys', mode: '755' },
    });
    const fixes = compileFixes(c, [d.primary!]);
    expect(fixes.applied).toHaveLength(1);
    expect(fixes.backupModes).toEqual(['/etc/ssh/keys']);
    const code = fixes.steps[0]!.code;
    // Held, checked to be that very path, root's and writable by nobody else; never a link.
    expect(code).toContain("cd -P '/etc/ssh'");
    expect(code).toContain(`[ "$(pwd -P)" = '/etc/ssh' ]`);
    expect(code).toContain("[ ! -L './keys' ]");
    expect(code).toContain("chmod a-st './keys'&&chmod 755 './keys'");
  });

  it('a folder on the way owned by another user goes to root, the file itself to alice', () => {
    const c = load('x-keyfile-outside-home-777');
    const bob = 1000 + 77;
    const dirTaken = withFile(c, FILE, (r) => setChain(r, '/etc/ssh/keys', { uid: bob, mode: 0o755 }));
    const d = run(dirTaken);
    expect(d.primary).toMatchObject({
      cause: 'keys.owner',
      params: { path: '/etc/ssh/keys', owner: `uid ${bob}` },
      fix: { op: 'chown', path: '/etc/ssh/keys', owner: 'root', group: 'root' },
    });
    expect(compileFixes(dirTaken, [d.primary!]).steps[0]!.code).toContain("chown -h 'root':'root' './keys'");
    const fileTaken = withFile(c, FILE, (r) =>
      setChain(setChain(r, '/etc/ssh/keys', { mode: 0o755 }), FILE, { uid: bob, mode: 0o644 }),
    );
    expect(run(fileTaken).primary).toMatchObject({
      cause: 'keys.owner',
      fix: { op: 'chown', path: FILE, owner: 'alice' },
    });
  });

  it('a file with a second hard link or a link is left alone (its mode would change the other name)', () => {
    const c = withFile(load('x-keyfile-outside-home-777'), FILE, (r) =>
      setChain(r, '/etc/ssh/keys', { mode: 0o755 }),
    );
    const d = run(withFile(c, FILE, (r) => setChain(r, FILE, { mode: 0o666 })));
    expect(d.primary).toMatchObject({ cause: 'keys.mode', fix: { op: 'chmod', path: FILE, mode: '644' } });
    const code = compileFixes(c, [d.primary!]).steps[0]!.code;
    expect(code).toContain(`[ "$(stat -c %h './alice')" = 1 ]`);
    expect(code).toContain("[ ! -L './alice' ]");
  });
});

describe('AuthenticationMethods naming a switched-off method', () => {
  it('lists: only what is switched off is taken out, nothing is switched on', () => {
    const off = (k: string) => ({ passwordauthentication: 'no', kbdinteractiveauthentication: 'no' })[k];
    expect(unsatisfiable('publickey,password publickey,keyboard-interactive:pam', off)).toEqual({
      value: 'publickey,password publickey,keyboard-interactive:pam',
      disabled: ['password', 'keyboard-interactive:pam'],
      kept: ['publickey'],
    });
    expect(unsatisfiable('any', off)).toBeUndefined();
    // One list can be satisfied: sshd starts and lets users through that list.
    expect(unsatisfiable('publickey,password publickey', off)).toBeUndefined();
    // Before 8.7, ChallengeResponseAuthentication yes switches keyboard-interactive on too.
    const old = (k: string) =>
      ({ kbdinteractiveauthentication: 'no', challengeresponseauthentication: 'yes' })[k];
    expect(unsatisfiable('keyboard-interactive', old)).toBeUndefined();
    // hostbased is off unless switched on.
    expect(unsatisfiable('hostbased', () => undefined)?.kept).toEqual([]);
  });

  it('set globally, sshd -t refuses and sshd is down: named with its line, not as a syntax error', () => {
    const c = load('x-authmethods-disabled');
    expect(c.syntax.output).toContain(
      'AuthenticationMethods cannot be satisfied by enabled authentication methods',
    );
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'policy.authmethods-disabled',
      path: '/etc/ssh/sshd_config.d/20-mfa.conf',
      line: 1,
      params: { disabled: 'password', off: 'passwordauthentication no' },
      fix: {
        op: 'config-replace-line',
        path: '/etc/ssh/sshd_config.d/20-mfa.conf',
        line: 1,
        text: 'AuthenticationMethods publickey',
      },
    });
    const causes = d.findings.map((f) => f.cause);
    expect(causes).not.toContain('config.syntax');
    expect(d.findings.find((f) => f.cause === 'daemon.down')?.params.reason).toBe('config');
  });

  it('inside Match, sshd runs and refuses alice alone: the line in the Match block is the one changed', () => {
    const c = load('x-authmethods-kbdint-match');
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'policy.authmethods-disabled',
      user: 'alice',
      path: '/etc/ssh/sshd_config.d/20-mfa.conf',
      line: 2,
      params: { disabled: 'keyboard-interactive', off: 'kbdinteractiveauthentication no' },
      // Nothing would be left: the line goes, alice gets the global methods.
      fix: { op: 'config-comment', path: '/etc/ssh/sshd_config.d/20-mfa.conf', line: 2 },
    });
    expect(d.findings.map((f) => f.cause)).not.toContain('policy.authmethods');
    expect(sentence(c).sentence).toContain('needs keyboard-interactive, which is switched off');
  });
});

describe('~/.ssh owned by root or another user', () => {
  it('names the owner and gives the folder back to alice, without following links', () => {
    const c = load('x-ssh-dir-owned-by-other');
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'keys.owner',
      params: { path: '/home/alice/.ssh', owner: 'bob' },
      fix: { op: 'chown', path: '/home/alice/.ssh', owner: 'alice' },
    });
    expect(sentence(c).sentence).toBe(
      '/home/alice/.ssh belongs to bob; sshd requires alice or root as owner.',
    );
    const code = compileFixes(c, [d.primary!]).steps[0]!.code;
    expect(code).toBe(`ro 'alice' '.ssh' "$(id -u 'alice')" "$(id -g 'alice')" 700`);
  });

  it('a root-owned 700 .ssh (sudo mkdir) is named with its owner and gets the search bit alice needs, never handed to her', () => {
    const c = load('x-ssh-dir-owned-by-other');
    const path = '/home/alice/.ssh/authorized_keys';
    const rootDir = withFile(c, path, (r) =>
      setChain(r, '/home/alice/.ssh', { uid: 0, gid: 0, mode: 0o700 }),
    );
    expect(run(rootDir).primary).toMatchObject({
      cause: 'keys.unreadable',
      params: { blocked: '/home/alice/.ssh', owner: 'root' },
      // alice may have renamed one of root's folders to .ssh: root's folder stays root's.
      fix: { op: 'chmod', path: '/home/alice/.ssh', mode: '701' },
    });
    // Another user's 700 .ssh goes back to alice.
    const bobDir = withFile(c, path, (r) => setChain(r, '/home/alice/.ssh', { mode: 0o700 }));
    expect(run(bobDir).primary).toMatchObject({
      cause: 'keys.unreadable',
      params: { blocked: '/home/alice/.ssh', owner: 'bob' },
      fix: { op: 'chown', path: '/home/alice/.ssh', owner: 'alice' },
    });
    // Root-owned and 755 is fine for sshd: nothing to say.
    const rootOk = withFile(c, path, (r) => setChain(r, '/home/alice/.ssh', { uid: 0, gid: 0, mode: 0o755 }));
    expect(run(rootOk).primary).toBeUndefined();
  });
});

describe('sshd listening elsewhere than the customer connects', () => {
  it('names the port and address sshd really listens on; the verification goes there', () => {
    const c = load('x-ssh-dir-owned-by-other');
    const listeners = ['LISTEN 0 128 127.0.1.149:2222 0.0.0.0:* users:(("sshd",pid=36,fd=3))'];
    const d = run({ ...c, listeners });
    expect(d.primary).toMatchObject({
      cause: 'daemon.listen',
      params: { port: 22, listenPort: 2222, address: '127.0.1.149' },
    });
    expect(sentence({ ...c, listeners }).sentence).toContain(
      'It listens on port 2222 (127.0.1.149) instead: connect there with `ssh -p 2222`.',
    );
    expect(listeningElsewhere(d)).toBe(2222);
    // The customer's next step goes to that port too.
    for (const lang of ['en', 'ja'] as const)
      expect(nextSteps(lang, { user: 'alice', host: 'vps', port: 2222, keyWorks: true })[0]).toContain(
        '`ssh -p 2222 alice@vps`',
      );
    expect(nextSteps('en', { user: 'alice', host: 'vps', port: 22, keyWorks: true })[0]).toContain(
      '`ssh alice@vps`',
    );
    // Only on loopback, seen from outside: nowhere to verify, nowhere to send the customer.
    const loopback = ['LISTEN 0 128 127.0.0.1:2222 0.0.0.0:* users:(("sshd",pid=36,fd=3))'];
    const far = analyse({
      collection: { ...c, listeners: loopback },
      users: ['alice', 'root'],
      clientAddress: '203.0.113.5',
    });
    expect(far.primary?.cause).toBe('daemon.listen');
    expect(listeningElsewhere(far)).toBeUndefined();
  });
});

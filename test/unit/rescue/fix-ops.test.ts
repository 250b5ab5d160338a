import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection, StatEntry } from '../../../src/diagnose/collection.js';
import type { Finding } from '../../../src/diagnose/findings.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { compileFixes } from '../../../src/rescue/fix-ops.js';
import { shownByScript } from '../../../src/rescue/server-io.js';
import { renderTransaction } from '../../../src/rescue/transaction.js';

const DIR = join(import.meta.dirname, '../../fixtures/diagnose');

function load(id: string): { collection: Collection; key: string } {
  const meta = JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8')) as { customerKey: string };
  return { collection: parseCollection(readFileSync(join(DIR, `${id}.txt`), 'utf8')), key: meta.customerKey };
}

function diagnose(collection: Collection, key: string) {
  return analyse({ collection, users: ['alice', 'root'], customerKey: key, clientAddress: '127.0.0.1' });
}

/** Every stat entry of `path` in the collection (a path appears in several chains). */
function statsOf(c: Collection, path: string): StatEntry[] {
  return Object.values(c.keyFiles).flatMap((k) =>
    [...k.chain, ...(k.realChain ?? [])].filter((e) => e.path === path),
  );
}

const KEY_FILE = '/home/alice/.ssh/authorized_keys';

/** The bytes a write step hands to `wu`/`wk`, decoded by the real dash and base64 (both stubbed). */
function writtenBy(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vr-fixops-'));
  try {
    execFileSync('dash', ['-c', `B=${dir}\nwk(){ cat "$4" > "$B/out"; }\nwu(){ wk "$@"; }\n${code}`], {
      stdio: 'pipe',
    });
    return readFileSync(join(dir, 'out'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The finding that puts `key` into alice's key file. */
const addKey = (key: string): Finding => ({
  cause: 'keys.not-authorized',
  severity: 'error',
  blocking: true,
  user: 'alice',
  params: {},
  fix: { op: 'add-key', path: KEY_FILE, user: 'alice', key },
});

describe('repairs of a user’s files', () => {
  it('a setuid .ssh (4777) is repaired to exactly 700, through the held directory, never by name', () => {
    const { collection, key } = load('ssh-dir-777');
    for (const st of statsOf(collection, '/home/alice/.ssh')) st.mode = 0o4777;
    const d = diagnose(collection, key);
    expect(d.primary?.fix).toEqual({ op: 'chmod', path: '/home/alice/.ssh', mode: '700' });
    const fixes = compileFixes(collection, [d.primary!]);
    expect(fixes.steps.map((s) => s.code)).toEqual(["ro 'alice' '.ssh' - - 700"]);
    expect(fixes.owners).toEqual({ '/home/alice/.ssh': 'alice' });
    const tx = renderTransaction({ id: 'T', ...fixes, checks: [] });
    // Backed up as the user; root names no path of alice's in a chmod, chown, cp or rm.
    expect(tx).toContain("bn 'alice' '/home/alice/.ssh'");
    expect(tx).not.toMatch(/^(chmod|chown|cp|rm|bf|bm) .*\/home\/alice/m);
    expect(() => execFileSync('dash', ['-n'], { input: tx })).not.toThrow();
  });

  it('a home directory gets its read/search bits back without special bits or write for others', () => {
    const { collection, key } = load('ssh-dir-777');
    for (const st of statsOf(collection, '/home/alice/.ssh')) st.mode = 0o700;
    for (const st of statsOf(collection, '/home/alice')) st.mode = 0o6777;
    const d = diagnose(collection, key);
    expect(d.primary?.fix).toEqual({ op: 'chmod', path: '/home/alice', mode: '755' });
    expect(compileFixes(collection, [d.primary!]).steps[0]?.code).toBe("ro 'alice' '' - - 755");
  });

  it('a key file of the user’s own is chmod’ed as the user, and checked after', () => {
    const { collection, key } = load('ssh-dir-777');
    for (const st of statsOf(collection, '/home/alice/.ssh')) st.mode = 0o700;
    for (const st of statsOf(collection, KEY_FILE)) st.mode = 0o4666;
    const d = diagnose(collection, key);
    expect(d.primary?.fix).toEqual({ op: 'chmod', path: KEY_FILE, mode: '600' });
    const code = compileFixes(collection, [d.primary!]).steps[0]?.code ?? '';
    expect(code).toContain(`u 'alice' chmod 600 "$h"/'.ssh/authorized_keys'`);
    expect(code).toContain(`[ "$(stat -c %a "$h"/'.ssh/authorized_keys')" = 600 ]`);
  });

  it('a file of another user in alice’s .ssh is rewritten by alice, not chown’ed by root', () => {
    const { collection, key } = load('x-file-owned-by-other');
    const d = diagnose(collection, key);
    expect(d.primary?.fix.op).toBe('chown');
    const fixes = compileFixes(collection, [d.primary!]);
    expect(fixes.steps.map((s) => s.name)).toEqual([`write ${KEY_FILE}`]);
    // The collector withholds the content of a file someone else owns: alice copies it with her own rights.
    expect(collection.keyFiles[KEY_FILE]!.withheld).toBeTruthy();
    // A copy alice cannot make (a file she cannot read) fails the step: nothing is written in its place.
    expect(fixes.steps[0]!.code).toContain(`u 'alice' cat "$h"/'.ssh/authorized_keys' >"$B/k1"&&\nwu `);
    // alice's own .ssh: she writes it; root's way in (wk) is not even sent.
    expect(fixes.steps[0]!.code).toContain(`wu 'alice' '.ssh' 'authorized_keys' "$B/k1"`);
    expect(fixes.steps[0]!.code).not.toMatch(/chown/);
  });

  it('root writes for the user only into a folder the collector saw as root’s (wk), else the user alone (wu)', () => {
    const { collection, key } = load('ssh-dir-777');
    const add = addKey(key);
    collection.keyFiles[KEY_FILE]!.content = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther other@host'];
    expect(compileFixes(collection, [add]).steps[0]!.code).toContain(`wu 'alice' '.ssh' 'authorized_keys'`);
    for (const st of statsOf(collection, '/home/alice/.ssh'))
      Object.assign(st, { uid: 0, gid: 0, mode: 0o755 });
    const code = compileFixes(collection, [add]).steps[0]!.code;
    expect(code).toContain(`wk 'alice' '.ssh' 'authorized_keys' "$B/k1"`);
    const tx = renderTransaction({ id: 'T', ...compileFixes(collection, [add]), checks: [] });
    expect(tx).toMatch(/^wu\(\)/m);
    expect(tx).toMatch(/^wk\(\)/m);
    expect(tx).toMatch(/^cdp\(\)/m);
    expect(() => execFileSync('dash', ['-n'], { input: tx })).not.toThrow();
    // A folder the collector saw missing: mkdir and the write are the user's; root could not cd into it.
    for (const st of statsOf(collection, '/home/alice/.ssh')) st.exists = false;
    const missing = compileFixes(collection, [add]).steps[0]!.code;
    expect(missing).toContain(`wu 'alice' '.ssh' 'authorized_keys' "$B/k1"`);
  });

  it('a path outside the user’s home that no collected chain shows is left for a human', () => {
    const { collection } = load('ssh-dir-777');
    const f: Finding = {
      cause: 'keys.dir-mode',
      severity: 'error',
      blocking: true,
      user: 'alice',
      params: {},
      fix: { op: 'chmod', path: '/etc/ssh/keys', mode: '755' },
    };
    const fixes = compileFixes(collection, [f]);
    expect(fixes.steps).toEqual([]);
    expect(fixes.skipped).toEqual([f]);
  });
});

describe('keys, not lines', () => {
  it('a key found in another account is copied as type, blob and comment only, and the report names what stayed behind', () => {
    const { collection, key } = load('key-in-root-home');
    const from = '/root/.ssh/authorized_keys';
    collection.keyFiles[from]!.content = [`command="cp /bin/sh /tmp/x; chmod 4755 /tmp/x",no-pty ${key}`];
    const d = diagnose(collection, key);
    const moved = d.findings.find((f) => f.cause === 'keys.wrong-home');
    expect(moved?.params.options).toBe('command="cp /bin/sh /tmp/x; chmod 4755 /tmp/x",no-pty');
    const fixes = compileFixes(collection, [moved!]);
    expect(writtenBy(fixes.steps[0]!.code)).toBe(`${key.trim()}\n`);
  });

  it('a from= that leaves out the checking address is reported, not blamed and not removed', () => {
    const { collection, key } = load('x-from-mismatch');
    const d = diagnose(collection, key);
    const note = d.findings.find((f) => f.cause === 'keys.from-mismatch');
    expect(note).toMatchObject({ severity: 'warning', blocking: false, fix: { op: 'manual' } });
    expect(d.primary).toBeUndefined();
    expect(d.findings.some((f) => f.fix.op === 'replace-line')).toBe(false);
  });

  it('an unknown option goes, the known ones stay, and the report says which stay', () => {
    const { collection, key } = load('x-bad-option');
    const d = diagnose(collection, key);
    expect(d.primary).toMatchObject({ cause: 'keys.bad-option', params: { kept: 'no-pty' } });
    const fixes = compileFixes(collection, [d.primary!]);
    expect(writtenBy(fixes.steps[0]!.code)).toBe(`no-pty ${key.trim()}\n`);
  });
});

describe('the written key file', () => {
  it('plain key lines travel as they are, and come out byte for byte', () => {
    const { collection, key } = load('ssh-dir-777');
    const lines = ['VR_B64_END', 'touch /tmp/injected', "'; id; ' $HOME `id` \\", key.trim()];
    collection.keyFiles[KEY_FILE]!.content = lines.slice(0, 3);
    const add = addKey(key);
    const code = compileFixes(collection, [add]).steps[0]!.code;
    expect(code.split('\n')[0]).toBe(`cat >"$B/k1" <<'VR_KEYS_END'`);
    expect(writtenBy(code)).toBe(`${lines.join('\n')}\n`);
  });

  it('no line of the file can end the here-document that carries it', () => {
    const { collection, key } = load('ssh-dir-777');
    // The plain form's end line, and a control character, in the file: it goes as base64.
    const lines = ['VR_KEYS_END', 'VR_B64_END', 'touch /tmp/injected', "'; id; '\t", key.trim()];
    collection.keyFiles[KEY_FILE]!.content = lines.slice(0, 4);
    const add = addKey(key);
    const code = compileFixes(collection, [add]).steps[0]!.code;
    const body = code.split('\n').slice(1, -2);
    for (const line of body) expect(line).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(code.split('\n').filter((l) => l === 'VR_B64_END')).toHaveLength(1);
    expect(writtenBy(code)).toBe(`${lines.join('\n')}\n`);
  });
});

describe('files that are not the user’s own', () => {
  it('a root-owned, world-writable key file in alice’s .ssh is rewritten by alice (no root chmod by name)', () => {
    const { collection, key } = load('ssh-dir-777');
    for (const st of statsOf(collection, '/home/alice/.ssh')) st.mode = 0o700;
    for (const st of statsOf(collection, KEY_FILE)) Object.assign(st, { mode: 0o666, uid: 0, gid: 0 });
    const d = diagnose(collection, key);
    expect(d.primary?.fix).toEqual({ op: 'chmod', path: KEY_FILE, mode: '644' });
    const fixes = compileFixes(collection, [d.primary!]);
    expect(fixes.steps.map((s) => s.name)).toEqual([`write ${KEY_FILE}`]);
    expect(writtenBy(fixes.steps[0]!.code)).toBe(`${collection.keyFiles[KEY_FILE]!.content!.join('\n')}\n`);
  });

  it('a root-owned file in a directory only root can change is chmod’ed by root, through ro', () => {
    const { collection, key } = load('ssh-dir-777');
    for (const st of statsOf(collection, '/home/alice/.ssh'))
      Object.assign(st, { mode: 0o755, uid: 0, gid: 0 });
    for (const st of statsOf(collection, KEY_FILE)) Object.assign(st, { mode: 0o666, uid: 0, gid: 0 });
    const d = diagnose(collection, key);
    expect(d.primary?.fix).toEqual({ op: 'chmod', path: KEY_FILE, mode: '644' });
    expect(compileFixes(collection, [d.primary!]).steps[0]?.code).toBe(
      "ro 'alice' '.ssh/authorized_keys' - - 644",
    );
  });
});

describe('diffs of key files come from the collector’s views', () => {
  it('a key file the collector printed (or saw missing) is not shown by the script; one it withheld is', () => {
    const { collection } = load('ssh-dir-777');
    const tx = {
      id: 'T',
      backupFiles: [KEY_FILE, '/etc/ssh/sshd_config'],
      backupModes: [],
      steps: [],
      checks: [],
    };
    expect(shownByScript(tx, collection)).toEqual(['/etc/ssh/sshd_config']);
    // No collector behind the change: the script shows everything.
    expect(shownByScript(tx)).toEqual([KEY_FILE, '/etc/ssh/sshd_config']);
    const missing = load('story-wrong-dir').collection;
    expect(missing.keyFiles[KEY_FILE]?.chain[0]?.exists).toBe(false);
    expect(shownByScript(tx, missing)).toEqual(['/etc/ssh/sshd_config']);
    collection.keyFiles[KEY_FILE]!.withheld = { links: 2, uid: 1000 };
    expect(shownByScript(tx, collection)).toEqual([KEY_FILE, '/etc/ssh/sshd_config']);
  });
});

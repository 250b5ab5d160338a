import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { downReason, syntaxFailsOnlyOnRuntimeDir } from '../../../src/diagnose/daemon-down.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import { misplacement } from '../../../src/diagnose/misplaced-keys.js';
import { parseCollection } from '../../../src/diagnose/parser.js';

const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
/** The story, collected on a real bookworm server: the key in ~/ssh/authorized_keys. */
function story(): { c: Collection; key: string } {
  const meta = JSON.parse(readFileSync(join(DIR, 'story-wrong-dir.json'), 'utf8')) as { customerKey: string };
  return {
    c: parseCollection(readFileSync(join(DIR, 'story-wrong-dir.txt'), 'utf8')),
    key: meta.customerKey,
  };
}
const run = (c: Collection, customerKey?: string) =>
  analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1', customerKey });

/** Moves the story's key file to another path, as the customer might have put it. */
function keyAt(c: Collection, path: string): Collection {
  const found = c.keyFiles['/home/alice/ssh/authorized_keys']!;
  const keyFiles = { ...c.keyFiles };
  delete keyFiles['/home/alice/ssh/authorized_keys'];
  keyFiles[path] = { ...found, path, chain: [{ ...found.chain[0]!, path }, ...found.chain.slice(1)] };
  return { ...c, keyFiles };
}

describe('key files where sshd never looks', () => {
  it('classifies the place from the home', () => {
    const h = '/home/alice';
    expect(misplacement(h, `${h}/ssh/authorized_keys`)).toBe('keys.wrong-dir');
    expect(misplacement(h, `${h}/.SSH/authorized_keys`)).toBe('keys.wrong-dir');
    expect(misplacement(h, `${h}/.ssh /authorized_keys`)).toBe('keys.wrong-dir');
    expect(misplacement(h, `${h}/.ssh/.ssh/authorized_keys`)).toBe('keys.wrong-dir');
    expect(misplacement(h, `${h}/authorized_keys`)).toBe('keys.in-home');
    expect(misplacement(h, `${h}/.ssh/authorized_keys.txt`)).toBe('keys.misnamed');
    expect(misplacement(h, `${h}/.ssh/authorized_keys/id.pub`)).toBeUndefined();
    expect(misplacement(h, '/root/.ssh/authorized_keys')).toBeUndefined();
  });

  it('names the story’s ~/ssh with its path, without the customer key, and copies the key there', () => {
    const { c } = story();
    const d = run(c);
    expect(d.primary).toMatchObject({
      cause: 'keys.wrong-dir',
      path: '/home/alice/ssh/authorized_keys',
      fix: {
        op: 'move-key',
        from: '/home/alice/ssh/authorized_keys',
        to: '/home/alice/.ssh/authorized_keys',
      },
    });
    expect(describeFinding(d.primary!, 'en').sentence).toBe(
      'The key for alice is in /home/alice/ssh/authorized_keys: the directory must be named .ssh (/home/alice/.ssh/authorized_keys), so sshd never reads it.',
    );
    expect(d.findings.filter((f) => f.cause === 'keys.file-missing' && f.user === 'alice')).toEqual([]);
  });

  it('with the customer key, only a file that holds it', () => {
    const { c, key } = story();
    expect(run(c, key).primary?.cause).toBe('keys.wrong-dir');
    const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm0Hm4h7CjW4w5zT8o2b2bW2bW2bW2bW2bW2bW2bW2b x@y';
    expect(run(c, other).primary?.cause).not.toBe('keys.wrong-dir');
  });

  it('a key in the home itself, and a misnamed file found by its content, are renamed or copied', () => {
    const { c } = story();
    expect(run(keyAt(c, '/home/alice/authorized_keys')).primary).toMatchObject({
      cause: 'keys.in-home',
      path: '/home/alice/authorized_keys',
    });
    expect(run(keyAt(c, '/home/alice/.ssh/authorized_keys~')).primary).toMatchObject({
      cause: 'keys.misnamed',
      fix: {
        op: 'rename',
        from: '/home/alice/.ssh/authorized_keys~',
        to: '/home/alice/.ssh/authorized_keys',
      },
    });
  });

  it('says nothing about key files while sshd -T fails (nobody knows what sshd reads)', () => {
    const { c } = story();
    const broken = {
      ...c,
      users: { ...c.users, alice: { ...c.users.alice!, effective: { rc: 255, values: {} } } },
    };
    expect(run(broken).findings.filter((f) => f.user === 'alice' && f.cause.startsWith('keys.'))).toEqual([]);
  });
});

describe('why sshd is down', () => {
  const base = (): Collection => ({ ...story().c, sshdProcesses: 0, units: { ssh: 'failed' } });

  it('a missing /run/sshd fails sshd -t, but is no config error', () => {
    const c = {
      ...base(),
      units: { ssh: 'inactive' },
      syntax: { rc: 255, output: ['Missing privilege separation directory: /run/sshd'] },
    };
    expect(syntaxFailsOnlyOnRuntimeDir(c)).toBe(true);
    const d = run(c);
    expect(d.findings.map((f) => f.cause)).not.toContain('config.syntax');
    expect(d.primary).toMatchObject({
      cause: 'daemon.down',
      params: { reason: 'stopped', evidence: 'ssh: inactive' },
    });
  });

  it('a start that failed on /run/sshd (in the log) names the runtime directory', () => {
    const log = ['Dec 03 sshd[90]: fatal: Missing privilege separation directory: /run/sshd'];
    expect(downReason({ ...base(), log }).reason).toBe('runtime-dir');
  });

  it('names the port another program holds', () => {
    const log = [
      'Dec 03 sshd[51]: error: Bind to port 22 on 127.0.1.9 failed: Address already in use.',
      'Dec 03 sshd[51]: fatal: Cannot bind any address.',
      "Dec 03 systemd[1]: ssh.service: Failed with result 'exit-code'.",
    ];
    expect(downReason({ ...base(), log })).toMatchObject({ reason: 'port-taken', port: 22 });
    const d = run({ ...base(), log });
    expect(describeFinding(d.primary!, 'en').sentence).toMatch(/another program holds port 22/);
    expect(describeFinding(d.primary!, 'ja').sentence).toMatch(/ポート 22/);
  });

  it('a crash, and a config error, each by its own evidence', () => {
    const log = ['Dec 03 systemd[1]: ssh.service: Main process exited, code=killed, status=11/SEGV'];
    expect(downReason({ ...base(), log }).reason).toBe('crash');
    const syntax = {
      rc: 255,
      output: ['/etc/ssh/sshd_config: line 9: Bad configuration option: PermitRootLogn'],
    };
    expect(downReason({ ...base(), syntax })).toMatchObject({ reason: 'config' });
    expect(run({ ...base(), syntax }).findings.map((f) => f.cause)).toContain('config.syntax');
  });
});

describe('where sshd listens', () => {
  it('is daemon.listen when it is not the port the customer connects to', () => {
    const { c } = story();
    const d = analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1', sshPort: 2222 });
    expect(d.primary).toMatchObject({ cause: 'daemon.listen', params: { port: 2222 } });
    expect(String(d.primary?.params.where)).toMatch(/:22$/);
    expect(run(c).findings.map((f) => f.cause)).not.toContain('daemon.listen');
  });
});

describe('the smallest change through a user filter', () => {
  /** The story's server with one more line at the end of sshd_config, as sshd -T would show it. */
  function withLine(line: string, keyword: string, values: string[]): Collection {
    const { c } = story();
    const configFiles = c.configFiles.map((f) =>
      f.path === '/etc/ssh/sshd_config' ? { ...f, lines: [...f.lines, line] } : f,
    );
    const alice = c.users.alice!;
    const effective = { ...alice.effective, values: { ...alice.effective.values, [keyword]: values } };
    return { ...c, configFiles, users: { ...c.users, alice: { ...alice, effective } } };
  }
  const fixOf = (c: Collection) => run(c).findings.find((f) => f.cause === 'policy.user-filter')?.fix;

  it('DenyUsers loses only the pattern that matches alice', () => {
    const c = withLine('DenyUsers bob alice', 'denyusers', ['bob', 'alice']);
    const n = c.configFiles.find((f) => f.path === '/etc/ssh/sshd_config')!.lines.length;
    expect(fixOf(c)).toEqual({
      op: 'config-replace-line',
      path: '/etc/ssh/sshd_config',
      line: n,
      text: 'DenyUsers bob',
    });
  });

  it('a DenyUsers naming only alice is commented out', () => {
    expect(fixOf(withLine('DenyUsers alice', 'denyusers', ['alice']))).toMatchObject({
      op: 'config-comment',
    });
  });

  it('AllowUsers gets alice appended, AllowGroups her primary group: the others stay restricted', () => {
    expect(fixOf(withLine('AllowUsers bob', 'allowusers', ['bob']))).toMatchObject({
      op: 'config-replace-line',
      text: 'AllowUsers bob alice',
    });
    expect(fixOf(withLine('AllowGroups admins', 'allowgroups', ['admins']))).toMatchObject({
      op: 'config-replace-line',
      text: 'AllowGroups admins alice',
    });
  });
});

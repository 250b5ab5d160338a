import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCollector } from '../../../src/diagnose/collector.js';
import { decodeHexDump, parseCollection, parseStat } from '../../../src/diagnose/parser.js';
import { decodeSedL, encodeSedL } from '../../../src/diagnose/sed-l.js';
import { isRescueError } from '../../../src/errors/rescue-error.js';

const fixture = (id: string) =>
  readFileSync(join(import.meta.dirname, '../../fixtures/diagnose', `${id}.txt`), 'utf8');

describe('buildCollector', () => {
  const { script, nonce } = buildCollector({
    users: ['alice', 'root'],
    clientAddress: '203.0.113.5',
    nonce: 'abcd1234',
  });

  it('is small enough to type on a console', () => {
    expect(nonce).toBe('abcd1234');
    // 2048 plus the search for misplaced key files (~130 bytes, within the 15% growth budget).
    expect(Buffer.byteLength(script)).toBeLessThanOrEqual(2176);
    expect(script).not.toMatch(/^\s*#/m);
  });

  it('is POSIX sh that dash accepts', () => {
    expect(() => execFileSync('dash', ['-n'], { input: script })).not.toThrow();
  });

  it('never contains its own output marker, so a console echo of it is not output', () => {
    expect(script).not.toContain('@@VR ');
  });

  it('is read-only: no redirection into files, no editing commands', () => {
    const withoutDevNull = script.replace(/2>\/dev\/null|2>&1|length\(p\)>9/g, '');
    expect(withoutDevNull).not.toMatch(/>\s*[/$\w]/);
    expect(script).not.toMatch(/(^|[;&|({]\s*)(rm|mv|chmod|chown|tee|passwd|usermod|kill)\s|sed -i/m);
  });

  it('never reads a shadow hash into its output', () => {
    expect(script).toContain('/etc/shadow');
    expect(script).toMatch(/print l \(p==""\?"E":length\(p\)>9\?"P":"N"\)/);
  });

  it.each([['alice;reboot'], ['$(id)'], ['']])('refuses the user name %j', (user) => {
    expect(() => buildCollector({ users: [user], clientAddress: '127.0.0.1' })).toThrow(/collector|user/);
  });

  it('refuses an address that is not an IP', () => {
    expect(() => buildCollector({ users: ['alice'], clientAddress: '1.2.3.4;id' })).toThrow();
  });
});

describe('sed -n l and od decoding', () => {
  it('restores tabs, CR, BOM, backslashes, dollars and folded lines', () => {
    const lines = ['\uFEFFssh-ed25519 AAAA x\r', 'a\tb \\ $HOME', 'x'.repeat(150)];
    const folded = [
      '\\357\\273\\277ssh-ed25519 AAAA x\\r$',
      'a\\tb \\\\ $HOME$',
      `${'x'.repeat(69)}\\`,
      `${'x'.repeat(69)}\\`,
      `${'x'.repeat(12)}$`,
    ];
    expect(decodeSedL(folded)).toEqual(lines);
    expect(decodeSedL(encodeSedL(lines))).toEqual(lines);
  });

  it('reads CRLF console lines as the same output', () => {
    expect(decodeSedL(['abc$\r', 'def$\r'])).toEqual(['abc', 'def']);
  });

  it('decodes busybox od hex dumps', () => {
    expect(decodeHexDump([' ef bb bf 61 09 62 0d 0a 63 0a'])).toEqual(['\uFEFFa\tb\r', 'c']);
    expect(decodeHexDump([])).toEqual([]);
  });

  it('parses GNU and busybox stat lines, and absent paths', () => {
    expect(parseStat('775 1000 100 4096 directory|/home/alice')).toMatchObject({
      mode: 0o775,
      uid: 1000,
      gid: 100,
      type: 'directory',
    });
    expect(parseStat('600 0 0 0 regular empty file|/root/.ssh/a|b')).toMatchObject({
      path: '/root/.ssh/a|b',
      type: 'file',
    });
    expect(parseStat('777 0 0 7 symbolic link|/home/alice/.ssh/authorized_keys').type).toBe('symlink');
    expect(parseStat('- /home/alice/.ssh')).toEqual({ path: '/home/alice/.ssh', exists: false });
  });
});

describe('parseCollection', () => {
  it('ignores console noise and the echoed script around the output', () => {
    const text = fixture('ssh-dir-777');
    const noisy = `root@vps:~# (U='alice root';A=127.0.0.1\r\n> m(){ echo "@@""VR $*";}\r\n${text.replace(/\n/g, '\r\n')}root@vps:~# `;
    const c = parseCollection(noisy);
    expect(c.users.alice?.keyFiles).toEqual([
      '/home/alice/.ssh/authorized_keys',
      '/home/alice/.ssh/authorized_keys2',
    ]);
    expect(c.keyFiles['/home/alice/.ssh/authorized_keys']?.chain[1]).toMatchObject({
      path: '/home/alice/.ssh',
      mode: 0o777,
    });
    expect(c.configFiles.map((f) => f.path)[0]).toBe('/etc/ssh/sshd_config');
  });

  it('refuses output cut off before its END marker', () => {
    const text = fixture('ssh-dir-777');
    const cut = text.slice(0, text.indexOf('@@VR D'));
    try {
      parseCollection(cut);
      expect.unreachable();
    } catch (err) {
      expect(isRescueError(err) && err.code).toBe('diagnose.bad-output');
    }
  });

  it('takes only the run with the expected nonce', () => {
    const text = fixture('ssh-dir-777');
    const nonce = /@@VR BEGIN (\S+)/.exec(text)?.[1] ?? '';
    expect(() => parseCollection(text, 'other')).toThrow();
    expect(parseCollection(text, nonce).nonce).toBe(nonce);
  });

  it('reads shadow status without any hash, and key files exactly', () => {
    const c = parseCollection(fixture('x-bom'));
    expect(c.users.alice?.shadow).toMatchObject({ locked: false, password: 'set' });
    expect(
      c.keyFiles['/home/alice/.ssh/authorized_keys']?.content?.[0]?.startsWith('\uFEFFssh-ed25519 '),
    ).toBe(true);
    expect(parseCollection(fixture('no-passwords')).users.alice?.shadow?.password).not.toBe('set');
  });
});

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
    nonce: 'abcd1234abcd1234',
  });

  it('is small enough to type on a console', () => {
    expect(nonce).toBe('abcd1234abcd1234');
    // typed gzipped and in Z85 or base64 (about 2.2 KB, see test/unit/bench-typed-size.test.ts); the
    // framing and encoding cost about 600 bytes of text, the search for misplaced key files about 120,
    // the socket listeners and SELinux lines about 160, keeping this product's own config comments 22
    expect(Buffer.byteLength(script)).toBeLessThanOrEqual(2900);
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

  it('never echoes a value (dash expands backslashes in echo): only its own markers', () => {
    const echoes = script.match(/echo[^;|&)}]*/g) ?? [];
    expect(echoes.sort()).toEqual(['echo "@@""VR $N $*"', 'echo -', 'echo'].sort());
    // names go out through x (hex), file contents through sed -n l or od
    expect(script).toMatch(/m K \$\(x "\$1"\)/);
    expect(script).toMatch(/m R \$\(x "\$r"\)/);
    expect(script).toMatch(/ls -A "\$h\/\.ssh"\|head -n 64\|v/);
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

  it('parses GNU and busybox stat lines, and absent paths; the name comes from the chain, not the line', () => {
    expect(parseStat('775 1000 100 4096 2 directory', '/home/alice')).toMatchObject({
      path: '/home/alice',
      mode: 0o775,
      uid: 1000,
      gid: 100,
      links: 2,
      type: 'directory',
    });
    expect(parseStat('600 0 0 0 1 regular empty file', '/root/.ssh/a|b').type).toBe('file');
    expect(parseStat('777 0 0 7 1 symbolic link', '/x').type).toBe('symlink');
    expect(parseStat('-', '/home/alice/.ssh')).toEqual({ path: '/home/alice/.ssh', exists: false });
    for (const bad of [
      '775 1000 100 4096 directory|/home/alice',
      '- /x',
      '7z 0 0 0 1 file',
      '600 0 0 0 1 file|/etc',
    ])
      expect(() => parseStat(bad, '/x')).toThrow(/stat/);
  });
});

describe('parseCollection', () => {
  it('ignores console noise and the echoed script around the output', () => {
    const text = fixture('ssh-dir-777');
    const noisy = `root@vps:~# (U='alice root';A=127.0.0.1\r\n> m(){ echo "@@""VR $N $*";}\r\n${text.replace(/\n/g, '\r\n')}root@vps:~# `;
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
    const cut = text.slice(0, text.indexOf(' D ') + 4);
    try {
      parseCollection(cut);
      expect.unreachable();
    } catch (err) {
      expect(isRescueError(err) && err.code).toBe('diagnose.bad-output');
    }
  });

  it('takes only the run with the expected nonce', () => {
    const text = fixture('ssh-dir-777');
    const nonce = /@@VR (\S+) BEGIN/.exec(text)?.[1] ?? '';
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

describe('parseCollection refuses what the collector did not write', () => {
  const text = fixture('ssh-dir-777');
  const nonce = /@@VR (\S+) BEGIN/.exec(text)?.[1] ?? '';
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith(`@@VR ${nonce} END `));
  const sections = Number(lines[end]?.split(' ').at(-1));
  const refusal = (t: string) => {
    try {
      parseCollection(t, nonce);
      return 'accepted';
    } catch (err) {
      return isRescueError(err) ? err.code : String(err);
    }
  };
  /** Appends a well-framed section (as if the nonce were known) just before END. */
  const withSection = (head: string, body: string[]) =>
    [
      ...lines.slice(0, end),
      `@@VR ${nonce} ${sections + 1} ${head} ${body.length}`,
      ...body,
      `@@VR ${nonce} END ${sections + 1}`,
      ...lines.slice(end + 1),
    ].join('\n');

  it('accepts the run as collected', () => {
    expect(refusal(text)).toBe('accepted');
  });

  it.each([
    ['a second passwd section', withSection('P', ['root:0:0::/bin/sh'])],
    ['an unknown section', withSection('Q9', [])],
    ['a key file no configuration names', withSection(`K ${Buffer.from('/etc/passwd').toString('hex')}`, [])],
    ['a line outside any section', [...lines.slice(0, end), 'stray', ...lines.slice(end)].join('\n')],
    [
      'a section one line short',
      text.replace(/^(@@VR \S+ \d+ P )(\d+)$/m, (_, h: string, n: string) => `${h}${Number(n) + 1}`),
    ],
    ['an END that miscounts', text.replace(` END ${sections}`, ` END ${sections + 1}`)],
    ['a second BEGIN of the same run', `@@VR ${nonce} BEGIN\n${text}`],
  ])('refuses %s', (_, forged) => {
    expect(refusal(forged)).toMatch(/^diagnose\.(rejected|bad)-output$/);
    expect(refusal(forged)).not.toBe('accepted');
  });

  it('reads nothing from a run with another nonce', () => {
    expect(refusal(text.replaceAll(`@@VR ${nonce} `, '@@VR 0000000000000000 '))).toBe('diagnose.bad-output');
  });
});

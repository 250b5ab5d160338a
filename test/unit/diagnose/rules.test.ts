import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse, type AnalyseInput } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { checkConfig, expandConfig } from '../../../src/diagnose/config-check.js';
import { listenAddresses } from '../../../src/diagnose/daemon-check.js';
import { parseCollection } from '../../../src/diagnose/parser.js';

const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
function load(id: string): { collection: Collection; key: string } {
  const meta = JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8')) as { customerKey: string };
  return { collection: parseCollection(readFileSync(join(DIR, `${id}.txt`), 'utf8')), key: meta.customerKey };
}
function run(collection: Collection, more: Partial<AnalyseInput> = {}) {
  return analyse({ collection, users: ['alice', 'root'], clientAddress: '127.0.0.1', ...more });
}
const causes = (d: ReturnType<typeof run>) => d.findings.map((f) => f.cause);

describe('config reading', () => {
  const files = [
    {
      path: '/etc/ssh/sshd_config',
      lines: [
        'Include /etc/ssh/sshd_config.d/*.conf',
        'PasswordAuthentication no',
        'Match User backup',
        '  PasswordAuthentication yes',
        '',
        'PermitRootLogin no',
      ],
    },
    { path: '/etc/ssh/sshd_config.d/50-cloud-init.conf', lines: ['PasswordAuthentication yes'] },
    { path: '/etc/ssh/sshd_config.d/10-a.conf', lines: ['# comment', 'Port 2222'] },
    { path: '/etc/ssh/sshd_config.d/not-included.txt', lines: ['PermitRootLogin yes'] },
  ];
  const lines = expandConfig(files);

  it('splices included files in place, globs in byte order, unmatched files out', () => {
    expect(lines.map((l) => `${l.path.split('/').pop()}:${l.line}`)).toEqual([
      'sshd_config:1',
      '10-a.conf:2',
      '50-cloud-init.conf:1',
      'sshd_config:2',
      'sshd_config:4',
      'sshd_config:6',
    ]);
  });

  it('reports the owner line that loses to a drop-in, with the winner to comment out', () => {
    const f = checkConfig(files, lines).find((x) => x.cause === 'config.overridden');
    expect(f).toMatchObject({
      path: '/etc/ssh/sshd_config',
      line: 2,
      params: { winner: '/etc/ssh/sshd_config.d/50-cloud-init.conf:1' },
    });
    expect(f?.fix).toEqual({
      op: 'config-comment',
      path: '/etc/ssh/sshd_config.d/50-cloud-init.conf',
      line: 1,
    });
  });

  it('reports a global-looking line swallowed by a Match block', () => {
    const f = checkConfig(files, lines).find((x) => x.cause === 'config.after-match');
    expect(f).toMatchObject({ line: 6, params: { keyword: 'permitrootlogin', criteria: 'User backup' } });
  });
});

describe('daemon and network', () => {
  it('finds listeners in ss and netstat output', () => {
    expect(listenAddresses(['LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))'])).toEqual([
      { address: '0.0.0.0', port: 22 },
    ]);
    expect(listenAddresses(['tcp 0 0 127.0.0.1:2222 0.0.0.0:* LISTEN 34/sshd: /usr/sbin'])).toEqual([
      { address: '127.0.0.1', port: 2222 },
    ]);
    expect(listenAddresses(['LISTEN 0 4096 [::1]:22 [::]:* users:(("systemd",pid=1,fd=50))'])).toEqual([
      { address: '::1', port: 22 },
    ]);
  });

  it('sees sshd listening only on loopback as unreachable from outside', () => {
    const { collection } = load('x-crlf-ok');
    const d = run(
      { ...collection, listeners: ['LISTEN 0 128 127.0.0.1:22 0.0.0.0:* users:(("sshd",pid=34,fd=3))'] },
      { clientAddress: '203.0.113.5' },
    );
    expect(d.primary?.cause).toBe('daemon.listen');
  });

  it.each([
    [['-P INPUT ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j DROP'], 'error'],
    [
      [
        'table inet filter {',
        '  chain input {',
        '    type filter hook input priority filter; policy accept;',
        '    tcp dport 22 reject',
        '  }',
      ],
      'error',
    ],
    [['-P INPUT DROP', '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT'], 'warning'],
  ])('reads a firewall blocking the port: %j', (firewall, severity) => {
    const { collection } = load('x-crlf-ok');
    const f = run({ ...collection, firewall }).findings.find((x) => x.cause === 'net.firewall');
    expect(f?.severity).toBe(severity);
    expect(f?.fix).toEqual({ op: 'firewall-allow', port: 22 });
  });

  it('does not flag a firewall that accepts the port', () => {
    const { collection } = load('x-crlf-ok');
    expect(
      causes(run({ ...collection, firewall: ['-P INPUT DROP', '-A INPUT -p tcp --dport 22 -j ACCEPT'] })),
    ).not.toContain('net.firewall');
  });

  it('notes socket activation (Ubuntu 22.10+)', () => {
    const { collection } = load('x-crlf-ok');
    const d = run({ ...collection, units: { ssh: 'inactive', 'ssh.socket': 'active' }, sshdProcesses: 0 });
    expect(causes(d)).toContain('daemon.socket-activation');
    expect(causes(d)).not.toContain('daemon.down');
  });
});

describe('StrictModes outside Debian', () => {
  it('refuses a group-writable home even for a user private group on RHEL/Alpine', () => {
    const { collection, key } = load('x-home-775-private-group');
    expect(run(collection, { customerKey: key }).primary).toBeUndefined();
    const rhel = {
      ...collection,
      os: { id: 'rocky', idLike: 'rhel centos fedora' },
      version: 'OpenSSH_8.7p1, OpenSSL 3.0.7',
    };
    const d = run(rhel, { customerKey: key });
    expect(d.primary).toMatchObject({
      cause: 'keys.dir-mode',
      path: '/home/alice/.ssh/authorized_keys',
      fix: { op: 'chmod', path: '/home/alice', mode: '755' },
    });
  });
});

describe('customer key', () => {
  it('reports a key that is not in the file, and a key problem of its own', () => {
    const { collection } = load('x-crlf-ok');
    const other = load('x-bom').key;
    const d = run(collection, { customerKey: other });
    expect(d.primary).toMatchObject({
      cause: 'keys.not-authorized',
      fix: { op: 'add-key', path: '/home/alice/.ssh/authorized_keys', user: 'alice' },
    });
    expect(run(collection, { customerKey: 'ssh-ed25519 AAAA' }).customerKeyProblem).toBe('not-a-key');
  });

  it('accepts the key in RFC 4716 form as the same key', () => {
    const { collection, key } = load('x-crlf-ok');
    const [type, b64] = key.split(' ');
    const rfc = `---- BEGIN SSH2 PUBLIC KEY ----\n${(b64 ?? '').match(/.{1,70}/g)?.join('\n')}\n---- END SSH2 PUBLIC KEY ----\n`;
    expect(type).toBe('ssh-ed25519');
    expect(run(collection, { customerKey: rfc }).primary).toBeUndefined();
  });

  it('summarises the effective settings per user', () => {
    const { collection } = load('dropin-reenables-password');
    const d = run(collection);
    expect(d.summary.openssh).toBe('9.2');
    expect(d.summary.settings.alice).toMatchObject({
      passwordauthentication: 'yes',
      pubkeyauthentication: 'yes',
      usepam: 'yes',
    });
    expect(d.summary.settings.root?.permitrootlogin).toBe('no');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { socketPort } from '../../../src/diagnose/daemon-socket.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { compileFixes } from '../../../src/rescue/fix-ops.js';
import { renderTransaction } from '../../../src/rescue/transaction.js';

/**
 * Collector output captured on the lab's socket-activated trixie server (lab/flavour-socket.ts:
 * ssh.socket, OpenSSH 10.0, the generator turning sshd_config's ports into ListenStream): listening
 * on 22 as configured; `Port 2222` added and ssh.service restarted (the socket stays on 22); the Port
 * line removed again after the socket moved to 2222; an admin's drop-in in /etc pinning 2200.
 * The server's loopback address is written as 127.0.1.9.
 */
const load = (id: string): Collection =>
  parseCollection(readFileSync(join(import.meta.dirname, '../../fixtures/socket', `${id}.txt`), 'utf8'));

const diagnose = (c: Collection, sshPort?: number) =>
  analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1', sshPort });

describe('socket units in the collection', () => {
  it('reads where systemd listens and the drop-ins, whatever the order of systemctl show', () => {
    const c = load('port-moved-back');
    expect(c.units).toMatchObject({ ssh: 'inactive', 'ssh.socket': 'active', 'sshd.socket': 'inactive' });
    expect(c.sockets?.['ssh.socket']).toEqual({
      listen: ['127.0.1.9:2222'],
      dropIns: [
        '/usr/lib/systemd/system/ssh.socket.d/00-lab-address.conf',
        '/run/systemd/generator/ssh.socket.d/addresses.conf',
      ],
    });
    expect(c.sockets?.['sshd.socket']).toEqual({ listen: [], dropIns: [] });
  });

  it('takes the listen forms systemd prints', () => {
    expect(socketPort('127.0.1.9:2222')).toEqual({ address: '127.0.1.9', port: 2222 });
    expect(socketPort('[::]:22')).toEqual({ address: '::', port: 22 });
    expect(socketPort('2222')).toEqual({ address: '*', port: 2222 });
    expect(socketPort('/run/ssh-unix-local/socket')).toBeUndefined();
  });
});

describe('daemon.socket-activation', () => {
  it('listening where the client connects: said, not blocking, and no daemon.listen', () => {
    const d = diagnose(load('listening'));
    const f = d.findings.find((x) => x.cause === 'daemon.socket-activation');
    expect(f).toMatchObject({ severity: 'info', blocking: false, params: { kind: 'listening' } });
    expect(d.findings.map((x) => x.cause)).not.toContain('daemon.listen');
    expect(d.primary).toBeUndefined();
  });

  it('Port 2222 in a drop-in, the socket still on 22: the cause, with both ports, repaired by a socket restart', () => {
    const d = diagnose(load('port-moved'), 2222);
    expect(d.primary).toMatchObject({
      cause: 'daemon.socket-activation',
      severity: 'error',
      blocking: true,
      params: { kind: 'stale', port: 2222, configured: '2222', listening: '127.0.1.9:22' },
      fix: { op: 'socket-restart', unit: 'ssh.socket', port: 2222 },
    });
    expect(d.findings.map((x) => x.cause)).not.toContain('daemon.listen');
    const en = describeFinding(d.primary!, 'en');
    expect(en.sentence).toMatch(/asks for port 2222, but ssh\.socket still listens on 127\.0\.1\.9:22/);
    expect(en.fix).toMatch(/daemon-reload/);
    const ja = describeFinding(d.primary!, 'ja');
    expect(ja.sentence).toMatch(/ポート 2222.*127\.0\.1\.9:22/);
    expect(`${en.sentence}${en.fix}${ja.sentence}${ja.fix}`).not.toMatch(/\{\w+\}/);
  });

  it('the same server, customer still on 22: the socket is right, nothing blocks there', () => {
    const d = diagnose(load('port-moved'), 22);
    expect(d.findings.find((x) => x.cause === 'daemon.socket-activation')?.blocking).toBe(false);
  });

  it('the reverse: Port line gone, the socket still on 2222', () => {
    const d = diagnose(load('port-moved-back'));
    expect(d.primary).toMatchObject({
      cause: 'daemon.socket-activation',
      params: { kind: 'stale', port: 22, configured: '22', listening: '127.0.1.9:2222' },
      fix: { op: 'socket-restart', unit: 'ssh.socket', port: 22 },
    });
  });

  it('an admin drop-in in /etc pins the port: named with its path, left to a human', () => {
    const d = diagnose(load('pinned-dropin'));
    expect(d.primary).toMatchObject({
      cause: 'daemon.socket-activation',
      path: '/etc/systemd/system/ssh.socket.d/listen.conf',
      params: { kind: 'pinned', port: 22, listening: '127.0.1.9:2200' },
      fix: { op: 'manual' },
    });
    expect(describeFinding(d.primary!, 'en').sentence).toMatch(
      /drop-in \/etc\/systemd\/system\/ssh\.socket\.d\/listen\.conf/,
    );
  });

  it('a port neither the socket nor sshd_config uses: manual', () => {
    const d = diagnose(load('listening'), 2200);
    expect(d.primary).toMatchObject({ params: { kind: 'elsewhere', port: 2200 }, fix: { op: 'manual' } });
  });

  it('an older collector without the socket lines: informational, as before', () => {
    const c = load('port-moved');
    delete c.sockets;
    const f = diagnose(c, 2222).findings.find((x) => x.cause === 'daemon.socket-activation');
    expect(f).toMatchObject({ blocking: false, params: { kind: 'unknown' } });
    expect(describeFinding(f!, 'en').sentence).toMatch(/socket-activated by ssh\.socket/);
  });
});

describe('the socket restart', () => {
  it('checks the config, reloads systemd, stops the service first, and is done only on the port', () => {
    const c = load('port-moved');
    const d = diagnose(c, 2222);
    const fixes = compileFixes(c, [d.primary!]);
    expect(fixes.applied).toHaveLength(1);
    expect(fixes.backupFiles).toEqual([]);
    const code = fixes.steps[0]!.code;
    expect(code).toMatch(
      /sshd -t&&systemctl daemon-reload&&systemctl stop ssh\.service&&systemctl restart ssh\.socket/,
    );
    expect(code).toContain("grep -qE '[=:]2222 [(]Stream'");
    expect('Listen=127.0.1.9:2222 (Stream)').toMatch(/[=:]2222 [(]Stream/);
    expect('Listen=127.0.1.9:22222 (Stream)').not.toMatch(/[=:]2222 [(]Stream/);
  });

  it('refuses a unit name that is not a socket unit', () => {
    const c = load('port-moved');
    const f = diagnose(c, 2222).primary!;
    const bad = { ...f, fix: { op: 'socket-restart' as const, unit: 'ssh.socket;reboot', port: 2222 } };
    expect(compileFixes(c, [bad]).applied).toEqual([]);
  });

  it('a socket-activated sshd is stopped, not sent SIGHUP, by the transaction reload', () => {
    const script = renderTransaction({
      id: 't1',
      backupFiles: [],
      backupModes: [],
      steps: [{ name: 'x', code: 'true' }],
      checks: [],
    });
    expect(script).toContain(
      'systemctl is-active -q $u.socket&&{ systemctl stop $u;[ -d /run/sshd ]||mkdir -m 755 /run/sshd;return 0;}',
    );
  });
});

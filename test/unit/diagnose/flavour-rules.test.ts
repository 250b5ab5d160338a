import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import type { Collection } from '../../../src/diagnose/collection.js';
import { downReason } from '../../../src/diagnose/daemon-down.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { listeningElsewhere } from '../../../src/rescue/proof.js';

/**
 * Rules as they read the other systems' ways of saying it: the story collected on a real bookworm
 * server, its units and log lines replaced by what the lab's flavours printed (journal lines of the
 * socket-activated trixie flavour, systemd 257).
 */
const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
const story = (): Collection => parseCollection(readFileSync(join(DIR, 'story-wrong-dir.txt'), 'utf8'));
const run = (c: Collection) =>
  analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1' });

describe('sshd down on a socket-activated system', () => {
  const socketDown = (log: string[]): Collection => ({
    ...story(),
    sshdProcesses: 0,
    units: { ssh: 'inactive', 'ssh.socket': 'failed' },
    log,
  });

  it('names the port another program holds when systemd cannot take it for ssh.socket', () => {
    const log = [
      'Dec 03 10:54:54 vps systemd[1]: ssh.socket: Failed to create listening socket (127.0.1.209:22): Address already in use',
      'Dec 03 10:54:54 vps systemd[1]: ssh.socket: Failed to listen on sockets: Address already in use',
      "Dec 03 10:54:54 vps systemd[1]: ssh.socket: Failed with result 'resources'.",
    ];
    expect(downReason(socketDown(log))).toMatchObject({
      reason: 'port-taken',
      port: 22,
      evidence: expect.stringContaining('ssh.socket: Failed to create listening socket'),
    });
    const d = run(socketDown(log));
    expect(d.primary).toMatchObject({ cause: 'daemon.down', params: { reason: 'port-taken', port: 22 } });
    expect(describeFinding(d.primary!, 'en').sentence).toMatch(/another program holds port 22/);
  });

  it('an IPv6 listener and another port are read the same way', () => {
    const log = [
      'Dec 03 vps systemd[1]: ssh.socket: Failed to create listening socket ([::]:2222): Address already in use',
    ];
    expect(downReason(socketDown(log))).toMatchObject({ reason: 'port-taken', port: 2222 });
  });

  it('a socket that was only stopped is no port conflict', () => {
    const log = ['Dec 03 vps systemd[1]: ssh.socket: Deactivated successfully.'];
    expect(downReason(socketDown(log)).reason).toBe('stopped');
  });
});

/**
 * Collected on the lab's socket-activated trixie flavour: `Port 2222` in a drop-in before the first
 * boot, so the generator moved ssh.socket to 2222 too; the customer still connects to 22 (the
 * server's loopback address written as 127.0.1.9).
 */
describe('ssh.socket moved with sshd_config, the customer on the old port', () => {
  const c = () =>
    parseCollection(
      readFileSync(join(import.meta.dirname, '../../fixtures/socket/port-moved-both.txt'), 'utf8'),
    );
  const diagnose = (sshPort?: number) =>
    analyse({ collection: c(), users: ['alice', 'root'], clientAddress: '127.0.0.1', sshPort });

  it('names where the socket listens, for the verification and the customer', () => {
    const d = diagnose(22);
    expect(d.primary).toMatchObject({
      cause: 'daemon.socket-activation',
      params: { kind: 'elsewhere', port: 22, configured: '2222', listenPort: 2222, address: '127.0.1.9' },
      fix: { op: 'manual' },
    });
    expect(listeningElsewhere(d)).toBe(2222);
    const en = describeFinding(d.primary!, 'en').sentence;
    expect(en).toContain('connect there with `ssh -p 2222`');
    const ja = describeFinding(d.primary!, 'ja').sentence;
    expect(ja).toContain('ssh -p 2222');
    expect(`${en}${ja}`).not.toMatch(/\{\w+\}/);
  });

  it('on the port the socket listens on, nothing blocks', () => {
    const d = diagnose(2222);
    expect(d.primary).toBeUndefined();
    expect(listeningElsewhere(d)).toBeUndefined();
  });
});

describe('a config error behind an active ssh.socket', () => {
  const listening = (): Collection =>
    parseCollection(readFileSync(join(import.meta.dirname, '../../fixtures/socket/listening.txt'), 'utf8'));
  const typo = {
    rc: 255,
    output: [
      '/etc/ssh/sshd_config: line 9: Bad configuration option: PermitRootLogn',
      '/etc/ssh/sshd_config: terminating, 1 bad configuration options',
    ],
  };
  const run22 = (c: Collection) =>
    analyse({ collection: c, users: ['alice', 'root'], clientAddress: '127.0.0.1', sshPort: 22 });

  it('no sshd behind the socket: each connection starts one that dies on the config, so it is the cause', () => {
    const d = run22({ ...listening(), sshdProcesses: 0, syntax: typo });
    expect(d.primary).toMatchObject({
      cause: 'config.syntax',
      severity: 'error',
      blocking: true,
      path: '/etc/ssh/sshd_config',
      line: 9,
      fix: { op: 'config-comment', path: '/etc/ssh/sshd_config', line: 9 },
    });
    // systemd still holds the port: not reported as a stopped sshd (whose fix would start ssh.service).
    expect(d.findings.map((f) => f.cause)).not.toContain('daemon.down');
  });

  it('an sshd the socket started earlier keeps its config: a warning for the next start, as on Debian', () => {
    const d = run22({ ...listening(), sshdProcesses: 1, syntax: typo });
    const f = d.findings.find((x) => x.cause === 'config.syntax');
    expect(f).toMatchObject({ severity: 'warning', blocking: false });
  });
});

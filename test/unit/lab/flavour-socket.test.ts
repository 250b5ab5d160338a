import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_ACTIVATED, socketGenerator } from '../../../lab/flavour-socket.js';

/**
 * The lab's stand-in for Ubuntu's sshd-socket-generator, run with a fake `sshd -G` printing the ports
 * sshd_config asks for: it must reset ListenStream and list each port (on the server's address), and
 * write nothing when sshd uses port 22 only, as Ubuntu's does.
 */
let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function generate(ports: string[]): string | undefined {
  dir = mkdtempSync(join(tmpdir(), 'vr-socket-gen-'));
  const fake = join(dir, 'sshd');
  writeFileSync(
    fake,
    `#!/bin/sh\n[ "$1" = -G ] || exit 1\n${ports.map((p) => `echo 'port ${p}'`).join('\n')}\necho 'listenaddress 0.0.0.0:22'\n`,
    {
      mode: 0o755,
    },
  );
  const gen = join(dir, 'gen');
  writeFileSync(gen, socketGenerator('127.0.1.7', fake), { mode: 0o755 });
  execFileSync('sh', [gen, join(dir, 'out')]);
  try {
    return readFileSync(join(dir, 'out', 'ssh.socket.d', 'addresses.conf'), 'utf8');
  } catch {
    return undefined;
  }
}

describe('the socket flavour', () => {
  it('turns sshd_config ports into ListenStream lines after a reset', () => {
    expect(generate(['2222'])).toBe('[Socket]\nListenStream=\nListenStream=127.0.1.7:2222\n');
    expect(generate(['22', '2222'])).toBe(
      '[Socket]\nListenStream=\nListenStream=127.0.1.7:22\nListenStream=127.0.1.7:2222\n',
    );
  });

  it('writes nothing for port 22 alone (the socket keeps its own ListenStream)', () => {
    expect(generate(['22'])).toBeUndefined();
  });

  it('disables ssh.service, enables ssh.socket and pins it before the generator’s drop-in', () => {
    const { script } = SOCKET_ACTIVATED.setup({}, { hostname: 'vps', address: '127.0.1.7' });
    expect(script).toContain('systemctl disable ssh.service');
    expect(script).toContain('/etc/systemd/system/sockets.target.wants/ssh.socket');
    // 00-… sorts before the generator's addresses.conf, whose reset then replaces it.
    expect(script).toMatch(
      /ListenStream=%s:22\\n' '127\.0\.1\.7' > \/usr\/lib\/systemd\/system\/ssh\.socket\.d\/00-lab-address\.conf/,
    );
    expect(SOCKET_ACTIVATED.suite).toBe('trixie');
  });
});

import { existsSync } from 'node:fs';
import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, generateKeyPair, type LabServer } from '../../lab/index.js';
import { comm, descendants } from '../../lab/server.js';
import { labDescribe } from '../support/lab-guard.js';
import { alive } from '../../lab/lock.js';

async function mountsMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const info = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
    if (info.includes(text)) found.push(pid);
  }
  return found;
}

function consoleViaSocket(path: string, typed: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`socket never showed ${until}: ${seen.slice(-300)}`)),
      15_000,
    );
    socket.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (until.test(seen)) {
        clearTimeout(timer);
        socket.end();
        resolve(seen);
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(typed));
  });
}

labDescribe('lab server', () => {
  let server: LabServer;
  const key = generateKeyPair();

  beforeAll(async () => {
    const k = await key;
    server = await createServer({
      hostname: 'web01',
      users: [{ name: 'bob', password: 'Bob-pw-1', groups: ['sudo'], shell: '/bin/sh' }],
      files: [
        { path: '/home/bob/.ssh', mode: 0o700, owner: 'bob:bob' },
        {
          path: '/home/bob/.ssh/authorized_keys',
          content: `${k.publicKey}\n`,
          mode: 0o600,
          owner: 'bob:bob',
        },
      ],
    });
  });
  afterAll(async () => server?.destroy());

  it('boots real systemd with sshd on its own loopback address', async () => {
    expect(server.address).toMatch(/^127\.0\.1\.\d+$/);
    expect((await server.execChecked('cat /proc/1/comm')).trim()).toBe('systemd');
    expect((await server.execChecked('systemctl is-active ssh.service')).trim()).toBe('active');
    const listening = await server.execChecked('ss -Hltn');
    expect(listening).toContain(`${server.address}:22`);
    expect(listening).not.toMatch(/0\.0\.0\.0:22|\[::\]:22/);
  });

  it('creates users with passwords, groups and shells, and files with owner and mode', async () => {
    expect(await server.execChecked('getent passwd bob | cut -d: -f7')).toBe('/bin/sh\n');
    expect(await server.execChecked('id -nG bob')).toContain('sudo');
    expect(await server.execChecked('stat -c "%a %U" /home/bob/.ssh /home/bob/.ssh/authorized_keys')).toBe(
      '700 bob\n600 bob\n',
    );
    expect(await server.execChecked('hostname')).toBe('web01\n');
  });

  it('real ssh client: key and password logins as configured', async () => {
    const byKey = await server.sshLogin({ user: 'bob', privateKeyPath: (await key).privateKeyPath });
    expect(byKey).toMatchObject({ ok: true, stdout: 'bob\n' });
    const wrong = await server.sshLogin({ user: 'bob', password: 'not-it' });
    expect(wrong.ok).toBe(false);
    expect(wrong.stderr).toMatch(/Permission denied/);
    const log = await server.sshdLog();
    expect(log.some((l) => /Accepted publickey for bob from 127\.0\.0\.1/.test(l))).toBe(true);
    expect(log.some((l) => /Failed password for bob/.test(l))).toBe(true);
  });

  it('reads and writes files through the back door', async () => {
    const data = Buffer.from([0, 1, 2, 255, 10, 13]);
    await server.writeFile('/tmp/blob', data, { mode: 0o640, owner: 'bob' });
    expect(await server.readFile('/tmp/blob')).toEqual(data);
    expect(await server.execChecked('stat -c "%a %U" /tmp/blob')).toBe('640 bob\n');
  });

  it('the console shows getty, and the unix-socket relay lets a client log in', async () => {
    expect(server.console.text()).toMatch(/web01 login: $/m);
    const seen = await consoleViaSocket(server.consoleSocket, '\r', /web01 login: $/m);
    expect(seen).toContain('login:');
  });

  it('the console getty comes back however often it ends within seconds (tests log in and out that often)', async () => {
    for (let i = 0; i < 7; i++) {
      const pid = (
        await server.execChecked('systemctl show -p MainPID --value console-getty.service')
      ).trim();
      // Its main process only: systemd's kill of the whole unit fails inside nspawn (cgroup EIO).
      await server.execChecked(`kill -TERM ${pid}`);
      await server.waitFor(
        `[ "$(systemctl show -p MainPID --value console-getty.service)" != ${pid} ] && systemctl is-active -q console-getty.service`,
        10_000,
        'getty started again',
      );
    }
    expect((await server.execChecked('systemctl show -p Result --value console-getty.service')).trim()).toBe(
      'success',
    );
    const seen = await consoleViaSocket(server.consoleSocket, '\r', /web01 login: $/m);
    expect(seen).toContain('login:');
  });

  it('sshd reloads with systemctl, and systemd-run timers fire', async () => {
    const before = (await server.execChecked('systemctl show -p MainPID --value ssh')).trim();
    await server.execChecked('systemctl reload ssh');
    expect((await server.execChecked('systemctl show -p MainPID --value ssh')).trim()).toBe(before);
    await server.execChecked(
      'systemd-run --on-active=1 --timer-property=AccuracySec=100ms --unit=lab-timer-probe touch /tmp/timer-fired',
    );
    await expect
      .poll(async () => (await server.exec('test -e /tmp/timer-fired')).code, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(0);
  });

  it('reboots and comes back with its changes kept', async () => {
    await server.execChecked('echo kept > /root/marker');
    const leader = await server.leaderPid();
    await server.reboot();
    expect(await server.leaderPid()).not.toBe(leader);
    expect(await server.execChecked('cat /root/marker')).toBe('kept\n');
    await server.waitForSshd(20_000);
  });
});

labDescribe('lab server destroy', () => {
  it('leaves no process, mount, overlay, socket, pty or address behind', async () => {
    const server = await createServer();
    const tree = [server.pid!, ...(await descendants(server.pid!))];
    let pts = '';
    for (const p of tree) if ((await comm(p)) === 'systemd-nspawn') pts = await readlink(`/proc/${p}/fd/0`);
    expect(pts).toMatch(/^\/dev\/pts\/\d+$/);
    const ptsBefore = await stat(pts);
    expect((await mountsMentioning(server.dir)).length).toBeGreaterThan(0);
    const address = server.address;

    await server.destroy();

    expect(tree.filter(alive)).toEqual([]);
    expect(await mountsMentioning(server.dir)).toEqual([]);
    expect(existsSync(server.dir)).toBe(false);
    expect(existsSync(server.consoleSocket)).toBe(false);
    // The console pty is gone: its number may be reused by now, but never by the same node.
    const ptsAfter = await stat(pts).catch(() => undefined);
    if (ptsAfter) expect([ptsAfter.ino, ptsAfter.ctimeMs]).not.toEqual([ptsBefore.ino, ptsBefore.ctimeMs]);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port: 22 });
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    expect(open).toBe(false);
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  appendSshdConfig,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  LabServer,
  labRescueOptions,
  labSuites,
  PASSWORDS,
  type KeyPair,
} from '../../lab/index.js';
import { markdownReport } from '../../src/report/report.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions, RescueResult } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { refusedWithin } from './window-support.js';

/**
 * What differs between the releases a customer runs. Ubuntu 22.10+'s socket-activated sshd (the
 * `socket` flavour: trixie's OpenSSH 10.0 started by ssh.socket, sshd_config's ports turned into the
 * socket's ListenStream by a generator at boot and at `daemon-reload`): one server, booted once, each
 * case leaving it as the next one expects. With VR_TRUTH_MATRIX=1 (`npm run lab:truth`) also a
 * password window with no sshd running, and the Match-block check per OpenSSH release.
 */
const MATRIX = process.env.VR_TRUTH_MATRIX === '1';

let server: LabServer;
let key: KeyPair;

const run = (o: Partial<RescueOptions>): Promise<RescueResult> =>
  rescue(labRescueOptions(server, { userPassword: undefined, ...o }));

/** Where systemd listens for ssh.socket, as `systemctl show` says. */
async function socketListens(): Promise<string> {
  return (await server.execChecked('systemctl show -p Listen --value ssh.socket')).trim();
}

const keyLogin = (port: number) =>
  server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath, port });

labDescribe('socket-activated sshd (Ubuntu 22.10+ arrangement, trixie OpenSSH 10.0)', () => {
  beforeAll(async () => {
    key = await generateKeyPair('ed25519', 'owner@laptop');
    server = await LabServer.create({
      ...hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey })),
      flavour: 'socket',
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  describe.sequential('one server', () => {
    it('is what Ubuntu runs: ssh.socket listens, ssh.service starts on the first connection', async ({
      expect,
    }) => {
      expect((await server.exec('systemctl is-enabled ssh.service')).stdout.trim()).toBe('disabled');
      expect(await socketListens()).toBe(`${server.address}:22 (Stream)`);
      expect((await keyLogin(22)).ok).toBe(true);
      expect((await server.execChecked('systemctl is-active ssh.service')).trim()).toBe('active');
    });

    it('Port moved in a drop-in, the socket still on 22: diagnosed with both ports, then made to work on 2222', async ({
      expect,
    }) => {
      // The customer's change, applied the pre-socket way: restarting ssh.service keeps the socket on 22.
      await server.execChecked(
        "printf 'Port 2222\\n' > /etc/ssh/sshd_config.d/50-port.conf && systemctl restart ssh.service",
      );
      const before = await keyLogin(2222);
      expect(before.ok).toBe(false);
      expect(before.stderr).toMatch(/Connection refused/);

      const seen = await run({ sshPort: 2222, action: 'diagnose' });
      const primary = seen.diagnosis?.primary;
      expect(primary?.cause).toBe('daemon.socket-activation');
      expect(primary?.params).toMatchObject({
        kind: 'stale',
        unit: 'ssh.socket',
        port: 2222,
        configured: '2222',
        listening: `${server.address}:22`,
      });
      expect(primary?.fix).toEqual({ op: 'socket-restart', unit: 'ssh.socket', port: 2222 });
      expect(await socketListens()).toContain(':22 ');

      const r = await run({ sshPort: 2222 });
      expect(r.ok, JSON.stringify(r.verification)).toBe(true);
      expect(r.verification?.proof).toBe('proven');
      expect(markdownReport(r, 'en')).toMatch(/port 2222.*still listens on \S+:22\b/s);
      expect(await socketListens()).toBe(`${server.address}:2222 (Stream)`);
      // The real proof: the owner's own key on the port the customer uses.
      const after = await keyLogin(2222);
      expect(after.ok, after.stderr).toBe(true);
    });

    it('the reverse: Port line removed, the socket still on 2222: back on 22', async ({ expect }) => {
      await server.execChecked('rm /etc/ssh/sshd_config.d/50-port.conf && systemctl restart ssh.service');
      expect((await keyLogin(22)).ok).toBe(false);
      const r = await run({});
      expect(r.diagnosis?.primary).toMatchObject({
        cause: 'daemon.socket-activation',
        params: { kind: 'stale', port: 22, configured: '22', listening: `${server.address}:2222` },
      });
      expect(r.ok, JSON.stringify(r.verification)).toBe(true);
      expect(await socketListens()).toBe(`${server.address}:22 (Stream)`);
      const after = await keyLogin(22);
      expect(after.ok, after.stderr).toBe(true);
    });

    if (MATRIX)
      it('a config fix reaches the sshd the socket started (reload of the running ssh.service)', async ({
        expect,
      }) => {
        // The customer's change, made effective by a restart (a SIGHUP would end this sshd: see rl). The
        // cases before started ssh.service often within seconds: systemd's start limit is reset first.
        await server.execChecked(
          "printf 'PubkeyAuthentication no\\n' > /etc/ssh/sshd_config.d/10-nokeys.conf && systemctl reset-failed ssh.service && systemctl restart ssh.service",
        );
        expect((await server.execChecked('systemctl is-active ssh.service')).trim()).toBe('active');
        expect((await keyLogin(22)).ok).toBe(false);
        const r = await run({});
        expect(r.diagnosis?.primary?.cause).toBe('policy.pubkey-disabled');
        expect(r.ok, JSON.stringify(r.timeline)).toBe(true);
        // The fix itself was proven: no password window was needed.
        expect(
          r.changes.map((c) => c.action),
          JSON.stringify(r.timeline),
        ).not.toContain('enable-password');
        const after = await keyLogin(22);
        expect(after.ok, after.stderr).toBe(true);
        expect((await server.exec('systemctl is-failed -q ssh.service')).code).not.toBe(0);
      });

    it('a password window opened with no sshd running, closed by itself with one running', async ({
      expect,
    }) => {
      await server.execChecked('rm -f /home/alice/.ssh/authorized_keys && systemctl stop ssh.service');
      const r = await run({ action: 'enable-password', userPassword: PASSWORDS.alice, windowMinutes: 0.25 });
      expect(r.ok, JSON.stringify(r.timeline)).toBe(true);
      // Nothing was reloaded (nothing ran): the verification's connection started sshd with the window.
      expect((await server.execChecked('systemctl is-active ssh.service')).trim()).toBe('active');
      // At the deadline the closer must reach that running sshd, or the password would stay on.
      const closed = await refusedWithin(server, 'alice', PASSWORDS.alice, 45_000);
      const closer = await server.exec(
        'journalctl -q --no-pager -t vps-rescue | tail -n5; systemctl list-timers --no-pager "vps-rescue*"',
      );
      expect(closed, closer.stdout).toBe(true);
    });
  });
});

/**
 * What each OpenSSH release does with a user filter inside a Match block (8.4, 9.2, 10.0): a global
 * `AllowUsers bob` and `AllowUsers alice` in `Match User alice`. The config must pass `sshd -t`, the
 * effective list for alice must be the block's (it replaces the global one, it is not appended to it),
 * and alice's real key login must get in while the global list still applies to everyone else.
 * The rescue itself never relies on this (it edits the global line); this is the record of why that
 * is safe on every release. Part of `npm run lab:truth` (one server per suite).
 */
if (MATRIX)
  labDescribe('AllowUsers inside a Match block, per OpenSSH release', () => {
    describe.concurrent('releases', () => {
      for (const suite of labSuites()) {
        it(`${suite}: accepted, replaces the global list for the matched user`, async ({ expect }) => {
          const key = await generateKeyPair('ed25519', 'owner@laptop');
          const server = await LabServer.create({
            ...hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
              commands: [appendSshdConfig(['AllowUsers bob', 'Match User alice', '\tAllowUsers alice'])],
            }),
            suite,
          });
          try {
            expect((await server.exec('sshd -t')).code).toBe(0);
            const effective = (c: string) =>
              server.execChecked(`sshd -T -C ${c} | grep -i '^allowusers'`).then((s) => s.trim());
            expect(await effective('user=alice,host=h,addr=127.0.0.1')).toBe('allowusers alice');
            expect(await effective('user=carol,host=h,addr=127.0.0.1')).toBe('allowusers bob');
            const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
            expect(login.ok, login.stderr).toBe(true);
          } finally {
            await server.destroy();
          }
        });
      }
    });
  });

import { describe, it } from 'vitest';
import {
  ALICE,
  createServer,
  generateKeyPair,
  hardenedAlice,
  keyFiles,
  type KeyPair,
  type LabServer,
  type ServerSpec,
} from '../../lab/index.js';
import { analyse } from '../../src/diagnose/analyse.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { planFixes } from '../../src/rescue/plan.js';
import {
  parseTxResult,
  renderTransactionRun,
  type Transaction,
  type TxResult,
} from '../../src/rescue/transaction.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * A user on the server attacks the repair that root runs on that user's files: setuid bits, links
 * swapped in while the repair runs, options planted on a key line in another account, a key file line
 * equal to a here-document tag. The real collector, analyser and planner make the repair; the real
 * transaction runs as root on a real server (Debian and the busybox flavour); digests of what root
 * guards prove nothing outside the user's files changed.
 */

const FLAVOURS = ['debian', 'busybox'] as const;
const CLIENT = '127.0.0.1';

/** What root must never change for a user: account files, sshd's config, and a root-owned canary. */
const GUARDED = [
  'for f in /etc/passwd /etc/shadow /etc/group /vr-canary; do stat -c "%n %a %u %g %h %i" $f; sha256sum $f; done',
  'find /etc/ssh | sort | while read -r f; do stat -c "%n %a %u %g %h" "$f"; [ -f "$f" ] && sha256sum "$f"; done; true',
].join('\n');

async function boot(flavour: (typeof FLAVOURS)[number], spec: ServerSpec): Promise<LabServer> {
  const canary = { path: '/vr-canary', content: 'root only\n', mode: 0o644 };
  return createServer({ ...spec, files: [...(spec.files ?? []), canary], flavour });
}

/** One repair the way the rescue makes it: collect, analyse, plan; `txId` fixed by the test. */
/** Alice's key where it belongs, but her ~/.ssh chmod 4777 (setuid, world-writable): a repairable lockout. */
async function bootSetuidSshDir(
  flavour: (typeof FLAVOURS)[number],
): Promise<{ key: KeyPair; server: LabServer }> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const server = await boot(
    flavour,
    hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
      commands: ['chmod 4777 /home/alice/.ssh'],
    }),
  );
  return { key, server };
}

async function plan(server: LabServer, key: KeyPair, txId: string) {
  const users = ['alice', 'root'];
  const { script, nonce } = buildCollector({ users, clientAddress: CLIENT });
  const collection = parseCollection(await server.execChecked('sh -s', { input: script }), nonce);
  const diagnosis = analyse({ collection, users, customerKey: key.publicKey, clientAddress: CLIENT });
  return planFixes(collection, diagnosis, {
    txId,
    user: 'alice',
    keysOnly: false,
    customerKey: key.publicKey,
  });
}

/** Runs a transaction script as root from a file, stdin closed, as the console does. */
async function runTx(server: LabServer, tx: Transaction): Promise<{ result: TxResult; stdout: string }> {
  const { script, nonce } = renderTransactionRun(tx);
  const r = await server.exec('cat > /root/vr-attack.sh && sh /root/vr-attack.sh </dev/null', {
    input: script,
    timeoutMs: 60_000,
  });
  return { result: parseTxResult(r.stdout, nonce), stdout: r.stdout };
}

async function lines(server: LabServer, path: string): Promise<string[]> {
  return (await server.readFile(path)).toString('utf8').split('\n').filter(Boolean);
}

labDescribe('attacks on root file operations', () => {
  for (const flavour of FLAVOURS) {
    describe(flavour, () => {
      it('a user’s chmod 4777 ~/.ssh is repaired to exactly 700: no setuid kept', async ({ expect }) => {
        const { key, server } = await bootSetuidSshDir(flavour);
        try {
          expect(await server.execChecked('stat -c %a /home/alice/.ssh')).toBe('4777\n');
          const before = await server.execChecked(GUARDED);
          const p = await plan(server, key, '20261203T000001-aa01');
          expect(p?.fixes.applied.map((f) => f.cause)).toEqual(['keys.dir-mode']);
          const { result } = await runTx(server, p!.tx);
          expect(result.status).toBe('ok');
          expect(await server.execChecked('stat -c "%a %U" /home/alice/.ssh')).toBe('700 alice\n');
          expect(await server.execChecked(GUARDED)).toBe(before);
          const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
        } finally {
          await server.destroy();
        }
      });

      it('links swapped in for ~/.ssh during repeated repairs (20 s) never let root change a root file', async ({
        expect,
      }) => {
        const key = await generateKeyPair('ed25519', 'owner@laptop');
        const server = await boot(
          flavour,
          hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey }), {
            commands: ['chmod 4777 /home/alice/.ssh'],
            files: [
              {
                path: '/home/alice/race.sh',
                owner: 'alice:alice',
                mode: 0o755,
                // alice's own loop: her .ssh is now a directory, now a link to a root file or to /etc/ssh.
                content: [
                  'cd /home/alice || exit 1',
                  'while :; do',
                  '  chmod 4777 .ssh 2>/dev/null',
                  '  for t in /vr-canary /etc/ssh; do',
                  '    mv -T .ssh .ssh-real 2>/dev/null || continue',
                  '    ln -s $t .ssh; : ; : ; : ; rm -f .ssh',
                  '    mv -T .ssh-real .ssh',
                  '  done',
                  'done',
                  '',
                ].join('\n'),
              },
            ],
          }),
        );
        try {
          const before = await server.execChecked(GUARDED);
          const p = await plan(server, key, '20261203T000002-aa02');
          expect(p?.fixes.applied.map((f) => f.cause)).toEqual(['keys.dir-mode']);
          const racing = server.exec("su -s /bin/sh alice -c 'timeout 20 sh /home/alice/race.sh'", {
            timeoutMs: 60_000,
          });
          let done = false;
          void racing.finally(() => (done = true));
          const statuses: string[] = [];
          for (let i = 0; !done; i++) {
            const tx = { ...p!.tx, id: `20261203T000002-r${i}` };
            statuses.push((await runTx(server, tx)).result.status);
          }
          await racing;
          // The race ran against real repairs, and each ended in a result (never half done).
          expect(statuses.length).toBeGreaterThan(5);
          expect(statuses.filter((s) => s !== 'ok' && s !== 'rolled-back')).toEqual([]);
          expect(await server.execChecked(GUARDED)).toBe(before);
          // Left alone, the same repair succeeds: alice's .ssh ends 700 and hers.
          // The loop may have stopped with its link in place.
          await server.execChecked(
            'cd /home/alice && { [ ! -L .ssh ] || rm -f .ssh; } && { [ -e .ssh ] || mv -T .ssh-real .ssh; }',
          );
          const settled = await plan(server, key, '20261203T000002-aa03');
          if (settled) expect((await runTx(server, settled.tx)).result.status).toBe('ok');
          expect(await server.execChecked('stat -c "%a %U" /home/alice/.ssh')).toBe('700 alice\n');
        } finally {
          await server.destroy();
        }
      }, 120_000);

      it('a rollback after ~/.ssh was swapped for a link restores nothing through it', async ({ expect }) => {
        const { key, server } = await bootSetuidSshDir(flavour);
        try {
          const before = await server.execChecked(GUARDED);
          const p = await plan(server, key, '20261203T000005-aa06');
          // After the repair, alice swaps her .ssh for a link to /etc/ssh, and a later step fails:
          // the rollback then restores the old mode (4777) and owner of "/home/alice/.ssh".
          const swap =
            "su -s /bin/sh -c 'mv -T /home/alice/.ssh /home/alice/.ssh-real && ln -s /etc/ssh /home/alice/.ssh' -- alice";
          const tx = {
            ...p!.tx,
            steps: [...p!.tx.steps, { name: 'swap', code: swap }, { name: 'fail', code: 'false' }],
          };
          const { result } = await runTx(server, tx);
          expect(result).toMatchObject({ status: 'rolled-back', step: 'fail' });
          expect(await server.execChecked(GUARDED)).toBe(before);
          expect(await server.execChecked('stat -c %a /home/alice/.ssh-real')).toBe('700\n');
        } finally {
          await server.destroy();
        }
      });

      it('temporary names planted as links to a root file catch no write of root', async ({ expect }) => {
        const key = await generateKeyPair('ed25519', 'owner@laptop');
        const server = await boot(flavour, hardenedAlice(keyFiles({ user: 'alice', content: '# keys\n' })));
        try {
          // alice links every name the old writer could pick (.vps-rescue-<pid>) to the canary: in
          // one process where perl is there (Debian), so planting uses up no pids.
          const plant = [
            'cd /home/alice/.ssh || exit 1',
            'if command -v perl >/dev/null; then perl -e \'symlink "/vr-canary", ".vps-rescue-$_" for 1..99999\'',
            'else i=1; while [ $i -le 5000 ]; do ln -s /vr-canary .vps-rescue-$i; i=$((i+1)); done; fi',
          ].join('\n');
          await server.execChecked(`su -s /bin/sh -c "$(cat)" -- alice`, { input: plant });
          const before = await server.execChecked(GUARDED);
          const p = await plan(server, key, '20261203T000006-aa07');
          expect(p?.tx.steps.some((s) => s.name.startsWith('write '))).toBe(true);
          const { result } = await runTx(server, p!.tx);
          expect(await server.execChecked(GUARDED)).toBe(before);
          expect(result.status).toBe('ok');
          expect(await lines(server, '/home/alice/.ssh/authorized_keys')).toEqual([
            '# keys',
            key.publicKey.trim(),
          ]);
        } finally {
          await server.destroy();
        }
      });

      it('a key found in bob’s file is copied to alice without bob’s command= option', async ({ expect }) => {
        const key = await generateKeyPair('ed25519', 'owner@laptop');
        const planted = `command="touch /tmp/bob-ran",no-pty ${key.publicKey}`;
        const server = await boot(flavour, {
          ...hardenedAlice(keyFiles({ user: 'bob', content: planted }), {
            users: [ALICE, { name: 'bob' }],
          }),
        });
        try {
          const p = await plan(server, key, '20261203T000003-aa04');
          const { result } = await runTx(server, p!.tx);
          expect(result.status).toBe('ok');
          const copied = await lines(server, '/home/alice/.ssh/authorized_keys');
          expect(copied).toEqual([key.publicKey.trim()]);
          expect(await server.execChecked('stat -c "%a %U" /home/alice/.ssh/authorized_keys')).toBe(
            '600 alice\n',
          );
          expect(await lines(server, '/home/bob/.ssh/authorized_keys')).toEqual([planted]);
          // The report names what was left behind.
          const moved = p?.fixes.applied.find((f) => f.cause === 'keys.wrong-home');
          expect(moved?.params.options).toBe('command="touch /tmp/bob-ran",no-pty');
          const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
          expect((await server.exec('test -e /tmp/bob-ran')).code).not.toBe(0);
        } finally {
          await server.destroy();
        }
      });

      it('a key file line equal to a here-document tag cannot end the written content', async ({
        expect,
      }) => {
        const key = await generateKeyPair('ed25519', 'owner@laptop');
        const txId = '20261203T000004-aa05';
        // The tag the key file used to be written with, and a line root must never run.
        const trap = [
          `VR_KEYS_${txId.replace(/\W/g, '')}`,
          'touch /vr-injected',
          'VR_B64_END',
          'touch /vr-b64',
        ];
        const server = await boot(
          flavour,
          hardenedAlice(keyFiles({ user: 'alice', content: trap.join('\n') })),
        );
        try {
          const p = await plan(server, key, txId);
          expect(p?.tx.steps.some((s) => s.name.startsWith('write '))).toBe(true);
          const { result } = await runTx(server, p!.tx);
          expect(result.status).toBe('ok');
          expect((await server.exec('test -e /vr-injected || test -e /vr-b64')).code).not.toBe(0);
          expect(await lines(server, '/home/alice/.ssh/authorized_keys')).toEqual([
            ...trap,
            key.publicKey.trim(),
          ]);
          const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
          expect(login.ok, login.stderr).toBe(true);
        } finally {
          await server.destroy();
        }
      });
    });
  }
});

import { it } from 'vitest';
import {
  labRescueOptions,
  generateKeyPair,
  LabServer,
  scenarioById,
  toRfc4716,
  type ServerSpec,
} from '../../lab/index.js';
import { openTransport } from '../../src/console/transport/index.js';
import type { ByteTransport } from '../../src/console/transport/types.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions } from '../../src/rescue/types.js';
import { labDescribe } from '../support/lab-guard.js';
import { changedPaths, snapshot } from './rescue-snapshot.js';

/**
 * Where a run is cut: after so many bytes typed, so many bytes into the transaction's command line, or
 * so many bytes after the Enter that starts it (its here-document's end line). The last two are found
 * in the run's own stream: a compressed script's length differs a little from run to run (nonces).
 */
type Cut = number | { intoTx: number } | { afterTx: number };

/** The transaction is typed as one command line that puts its script's path in $p (the collector's is `c-`). */
const TX_SCRIPT = 'p=/root/.vps-rescue/t-';

/**
 * The console connection drops at `cut` — as when the link dies or vps-rescue is killed. A cut
 * inside the transaction counts from the start of its command line in this run (a login that
 * needed one more try must not move it). `record` collects everything typed.
 */
function cutAfter(url: string, cut: Cut, record?: Buffer[]): () => Promise<ByteTransport> {
  return async () => {
    const inner = await openTransport({ kind: 'local', url });
    let typed = 0;
    let stream = '';
    let limit = typeof cut === 'number' ? cut : Infinity;
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop !== 'write') return Reflect.get(target, prop, receiver) as unknown;
        return (data: Uint8Array | string) => {
          const bytes = Buffer.from(data);
          record?.push(bytes);
          if (typeof cut !== 'number' && limit === Infinity) {
            stream += bytes.toString('latin1');
            const at = stream.indexOf(TX_SCRIPT);
            const start = at >= 0 ? stream.lastIndexOf('\r', at) + 1 : -1;
            if (start >= 0 && 'intoTx' in cut) limit = start + cut.intoTx;
            const end = start >= 0 ? /<<'(E\w+)'/.exec(stream.slice(start))?.[1] : undefined;
            const enter = end ? stream.indexOf(`\r${end}\r`, start) : -1;
            if (enter >= 0 && 'afterTx' in cut) limit = enter + end!.length + 2 + cut.afterTx;
          }
          const room = limit - typed;
          typed += bytes.length;
          if (room <= 0) return;
          target.write(bytes.subarray(0, room));
          if (typed >= limit) void target.close();
        };
      },
    });
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no transaction script of ours runs on the server and none is left mid-way. */
async function settled(server: LabServer): Promise<void> {
  await sleep(2000);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    // [t]: the pattern must not match this command's own command line.
    const running = await server.exec(
      "grep -l 'vps-rescue/[t]-' /proc/[0-9]*/cmdline 2>/dev/null; grep -lx applying /var/backups/vps-rescue/*/state 2>/dev/null",
    );
    if (running.stdout.trim() === '') return;
    await sleep(500);
  }
}

const options = (server: LabServer, console: RescueOptions['console'], key: string): RescueOptions =>
  labRescueOptions(server, { console, customerKey: key });

/**
 * Cut the console at every stage of a repair (login, collector upload, transaction upload, right after
 * the transaction starts): afterwards sshd runs, and every touched file is either as it was or as the
 * completed repair leaves it — never half — with the backups kept.
 */
labDescribe('fault injection: console cut at each step', () => {
  it('leaves the server as it was or fully repaired, sshd running', async ({ expect }) => {
    const key = await generateKeyPair();
    const scenario = scenarioById('key-line-wrapped');
    const spec: ServerSpec = scenario.build({ key, rfc4716: await toRfc4716(key) });

    const reference = await LabServer.create(spec);
    let full: Map<string, string>;
    let total: number;
    let txStart: number;
    let txEnter: number;
    let txUpload: number;
    let changedByRepair: string[];
    try {
      const before = await snapshot(reference);
      const typed: Buffer[] = [];
      const r = await rescue(
        options(reference, cutAfter(`unix:${reference.consoleSocket}`, Infinity, typed), key.publicKey),
      );
      expect(r.ok).toBe(true);
      const stream = Buffer.concat(typed).toString('latin1');
      // What went through the console, secrets included (the counters leave out what is read silently):
      // a cut past the last byte typed would never happen.
      total = stream.length;
      expect(r.counters!.bytesTyped).toBeLessThanOrEqual(total);
      // The transaction is typed as one command with its script in a here-document; it starts
      // running at the Enter after the here-document's end line.
      txStart = stream.lastIndexOf('\r', stream.indexOf(TX_SCRIPT)) + 1;
      const end = /<<'(E\w+)'/.exec(stream.slice(txStart))?.[1];
      expect(end).toBeDefined();
      txEnter = stream.indexOf(`\r${end}\r`, txStart) + end!.length + 2;
      txUpload = Math.floor((txStart + txEnter) / 2);
      expect(txStart).toBeGreaterThan(0);
      expect(txEnter).toBeGreaterThan(txUpload);
      full = await snapshot(reference);
      changedByRepair = changedPaths(before, full);
      expect(changedByRepair).toContain('/home/alice/.ssh/authorized_keys');
    } finally {
      await reference.destroy();
    }

    // During login and the collector upload; in the middle of typing the command that starts the
    // transaction and of its script; right after the Enter that runs it; and in the logout, the only
    // thing typed after it (the collector behind the change runs in the transaction's own command).
    const cuts: Cut[] = [
      5,
      Math.floor(txStart * 0.3),
      Math.floor(txStart * 0.8),
      { intoTx: 12 },
      { intoTx: txUpload - txStart },
      { afterTx: 0 },
      { afterTx: Math.max(1, Math.floor((total - txEnter) / 2)) },
    ];
    const outcomes = await Promise.all(
      cuts.map(async (cut) => {
        const server = await LabServer.create(spec);
        try {
          const before = await snapshot(server);
          const err = await rescue(
            options(server, cutAfter(`unix:${server.consoleSocket}`, cut), key.publicKey),
          ).then(
            () => undefined,
            (e: unknown) => e,
          );
          // A transaction that was started keeps running on the server: let it finish (on a loaded
          // CI machine that takes longer than any fixed pause).
          await settled(server);
          const after = await snapshot(server);
          const changed = changedPaths(before, after);
          const state = changed.length === 0 ? 'original' : 'applied';
          if (state === 'applied') {
            expect(changed).toEqual(changedByRepair);
            for (const p of changed)
              expect(after.get(p)?.split(' ').slice(0, 3)).toEqual(full.get(p)?.split(' ').slice(0, 3));
            expect((await server.exec('ls /var/backups/vps-rescue/*/m')).code).toBe(0);
          }
          expect((await server.exec('systemctl is-active ssh')).stdout.trim()).toBe('active');
          const keyLogin = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
          expect(keyLogin.ok).toBe(state === 'applied');
          return { cut, state, error: err !== undefined };
        } finally {
          await server.destroy();
        }
      }),
    );
    // The cuts span the whole run: some land before the change, some after it started.
    const seen = JSON.stringify(outcomes);
    expect(
      outcomes.some((o) => o.state === 'original'),
      seen,
    ).toBe(true);
    expect(
      outcomes.some((o) => o.state === 'applied'),
      seen,
    ).toBe(true);
    // Every cut before the logout fails the run; a cut in the logout comes after the change was made
    // and proven from outside, so that run stands (the server is fully changed either way).
    const logout = outcomes.at(-1)!;
    expect(
      outcomes.slice(0, -1).every((o) => o.error),
      seen,
    ).toBe(true);
    expect(logout.state, seen).toBe('applied');
  });
});

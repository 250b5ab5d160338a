import { it } from 'vitest';
import {
  generateKeyPair,
  labRescueOptions,
  LabServer,
  PASSWORDS,
  scenarioById,
  toRfc4716,
  type ServerSpec,
} from '../../lab/index.js';
import { openTransport } from '../../src/console/transport/index.js';
import type { ByteTransport } from '../../src/console/transport/types.js';
import { EXIT_CODES } from '../../src/errors/codes.js';
import { RescueError } from '../../src/errors/rescue-error.js';
import { InterruptedError } from '../../src/rescue/interruption.js';
import { rescue } from '../../src/rescue/run.js';
import { labDescribe } from '../support/lab-guard.js';
import { shellsOnConsole } from './console-shells.js';
import { changedPaths, snapshot } from './rescue-snapshot.js';

/** Where the Ctrl-C lands: right after something is typed, or once something has been received. */
interface Point {
  name: string;
  typed?: string;
  received?: string;
  state: 'unchanged' | 'applied';
}

const POINTS: Point[] = [
  // The password was just typed: login is checking it.
  { name: 'login', typed: `${PASSWORDS.root}\r`, state: 'unchanged' },
  // The collector's command line was just sent (its here-document follows).
  { name: 'collector', typed: '/root/.vps-rescue/c-', state: 'unchanged' },
  // The transaction's command line was just sent: it is uploaded and runs to its end regardless.
  { name: 'transaction', typed: '/root/.vps-rescue/t-', state: 'applied' },
  // The transaction reported (its result line, behind the run's nonce): the outside verification is next.
  { name: 'verification', received: ' ok /var/backups/vps-rescue/', state: 'applied' },
];

/** The console as the rescue sees it, with an abort fired (as the CLI's SIGINT handler does) at `point`. */
function interruptAt(url: string, point: Point, controller: AbortController): () => Promise<ByteTransport> {
  const fire = () => {
    if (!controller.signal.aborted) {
      controller.abort(new RescueError('rescue.interrupted', { signal: 'SIGINT', state: 'stopping' }));
    }
  };
  return async () => {
    const inner = await openTransport({ kind: 'local', url });
    let typed = '';
    let received = '';
    if (point.received) {
      inner.onData((chunk) => {
        received = (received + Buffer.from(chunk).toString('latin1')).slice(-4000);
        if (received.includes(point.received!)) fire();
      });
    }
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop !== 'write') return Reflect.get(target, prop, receiver) as unknown;
        return (data: Uint8Array | string) => {
          target.write(data);
          if (!point.typed) return;
          typed = (typed + Buffer.from(data).toString('latin1')).slice(-4000);
          if (typed.includes(point.typed)) setImmediate(fire);
        };
      },
    });
  };
}

const ACCOUNT_AND_SSH = /^\/etc\/(passwd|shadow|group)$|^\/etc\/ssh\//;

labDescribe('Ctrl-C during a rescue, on a real console', () => {
  it('at login, collector, transaction and verification: logged out, original or fully changed, said so; a second run succeeds', async ({
    expect,
  }) => {
    const key = await generateKeyPair();
    const spec: ServerSpec = scenarioById('key-line-wrapped').build({ key, rfc4716: await toRfc4716(key) });
    const outcomes = await Promise.all(
      POINTS.map(async (point) => {
        const server = await LabServer.create(spec);
        try {
          const before = await snapshot(server);
          const controller = new AbortController();
          const since = server.console.length;
          const err = await rescue(
            labRescueOptions(server, {
              console: interruptAt(`unix:${server.consoleSocket}`, point, controller),
              customerKey: key.publicKey,
              signal: controller.signal,
            }),
          ).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(controller.signal.aborted, point.name).toBe(true);
          expect(err, point.name).toBeInstanceOf(InterruptedError);
          const interrupted = err as InterruptedError;
          expect(interrupted.exitCode).toBe(EXIT_CODES.interrupted);
          expect(interrupted.partial.timeline.map((e) => e.step)).toContain('interrupted');

          // No shell is left on the console: getty's prompt is what it shows.
          await server.console.waitFor(/login: $/, 15_000, since);
          expect(await shellsOnConsole(server), point.name).toEqual([]);
          expect((await server.exec('systemctl is-active ssh')).stdout.trim()).toBe('active');

          const changed = changedPaths(before, await snapshot(server));
          const keyLogin = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
          if (point.state === 'unchanged') {
            expect(interrupted.params.state, point.name).toMatch(/^the server is unchanged/);
            expect(changed, point.name).toEqual([]);
            expect(keyLogin.ok).toBe(false);
          } else {
            expect(interrupted.params.state, point.name).toMatch(/^transaction \S+ was applied/);
            expect(changed, point.name).toEqual(['/home/alice/.ssh/authorized_keys']);
            expect(keyLogin.ok).toBe(true);
          }
          // Accounts and sshd's configuration are never half-changed by an interruption.
          expect(changed.filter((p) => ACCOUNT_AND_SSH.test(p))).toEqual([]);

          // The next run goes through normally.
          const again = await rescue(labRescueOptions(server, { customerKey: key.publicKey }));
          expect(again.ok, point.name).toBe(true);
          return { point: point.name, state: interrupted.params.state };
        } finally {
          await server.destroy();
        }
      }),
    );
    expect(outcomes.map((o) => o.point)).toEqual(POINTS.map((p) => p.name));
  });
});

labDescribe('a transaction left half-way by an earlier run', () => {
  it('is found and named by the next run', async ({ expect }) => {
    const key = await generateKeyPair();
    const spec: ServerSpec = scenarioById('key-line-wrapped').build({ key, rfc4716: await toRfc4716(key) });
    const server = await LabServer.create(spec);
    try {
      // As a transaction killed mid-way (power cut) leaves it: backups taken, state still "applying".
      const id = 'vr-20261203T040000-a1b2';
      await server.execChecked(
        `mkdir -p -m 700 /var/backups/vps-rescue/${id} && echo applying > /var/backups/vps-rescue/${id}/state && mkdir -p /var/backups/vps-rescue/vr-done && echo done > /var/backups/vps-rescue/vr-done/state`,
      );
      const r = await rescue(labRescueOptions(server, { customerKey: key.publicKey }));
      const previous = r.timeline.filter((e) => e.step === 'previous').map((e) => e.detail);
      expect(previous).toEqual([
        `an earlier transaction ${id} never finished (state: applying): see /var/backups/vps-rescue/${id}/log before changing more`,
      ]);
      expect(r.ok).toBe(true);
    } finally {
      await server.destroy();
    }
  });
});

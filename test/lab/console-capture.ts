/**
 * Records real lab consoles as fixtures for the replay unit tests (test/unit/console/replay*.test.ts):
 * per suite whose image is cached, one boot up to `login:`, and four ConsoleSession runs on that
 * server (root login, wrong then right password, alice + sudo, a command with printk-style lines
 * written to /dev/console while it runs). Needs root:  npx tsx test/lab/console-capture.ts
 * The passwords in the fixtures are the lab's (lab/scenarios PASSWORDS), never real ones.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootScenario, imageReady, PASSWORDS, SUITES, type Suite } from '../../lab/index.js';
import { ConsoleStream } from '../../lab/console-stream.js';
import type { LabServer } from '../../lab/server.js';
import { ConsoleSession, type SessionLogin } from '../../src/console/session.js';
import { openTransport } from '../../src/console/transport/index.js';
import { BaseTransport, toBuffer, type ByteTransport } from '../../src/console/transport/types.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import {
  FIXTURE_DIR,
  serializeFixture,
  type FixtureHeader,
  type StreamEvent,
} from '../unit/console/replay-transport.js';

/** Every byte a lab console prints, per ConsoleStream, with its arrival time (patched in, lab/ unchanged). */
const consoleLog = new WeakMap<ConsoleStream, Array<{ at: number; data: Buffer }>>();
const originalPush = ConsoleStream.prototype.push;
ConsoleStream.prototype.push = function (this: ConsoleStream, data: Buffer): void {
  let log = consoleLog.get(this);
  if (!log) consoleLog.set(this, (log = []));
  log.push({ at: Date.now(), data: Buffer.from(data) });
  originalPush.call(this, data);
};

/** A transport that records what it carries, both ways. */
class RecordingTransport extends BaseTransport {
  readonly description: string;
  constructor(
    private readonly inner: ByteTransport,
    private readonly events: StreamEvent[],
    private readonly started: number,
  ) {
    super();
    this.description = `recording ${inner.description}`;
    inner.onData((chunk) => {
      this.events.push({ dir: 'rx', t: Date.now() - this.started, data: Buffer.from(chunk) });
      this.emitData(chunk);
    });
    inner.onClose((reason) => this.emitClose(reason));
  }
  write(data: Uint8Array | string): void {
    const bytes = toBuffer(data);
    this.events.push({ dir: 'tx', t: Date.now() - this.started, data: bytes });
    this.inner.write(bytes);
  }
  override resize(cols: number, rows: number): void {
    this.inner.resize(cols, rows);
  }
  async close(): Promise<void> {
    await this.inner.close();
    this.emitClose('closed by us');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function save(suite: Suite, kind: string, meta: Record<string, unknown>, events: StreamEvent[]) {
  const header: FixtureHeader = { kind, suite, capturedAt: new Date().toISOString(), meta };
  const text = serializeFixture(header, events);
  const file = join(FIXTURE_DIR, `${suite}-${kind}.jsonl`);
  await writeFile(file, text);
  console.log(`  ${file}: ${events.length} events, ${text.length} bytes`);
}

/** One ConsoleSession on the server's console socket, recorded; `body` drives it. */
async function recordSession(
  server: LabServer,
  body: (s: ConsoleSession) => Promise<Record<string, unknown>>,
): Promise<{ events: StreamEvent[]; meta: Record<string, unknown> }> {
  const events: StreamEvent[] = [];
  const started = Date.now();
  const session = await ConsoleSession.open(async () => {
    const inner = await openTransport({ kind: 'local', url: `unix:${server.consoleSocket}` });
    return new RecordingTransport(inner, events, started);
  });
  try {
    const meta = await body(session);
    await session.close({ logout: true });
    return { events, meta };
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
}

async function loginCode(session: ConsoleSession, opts: SessionLogin): Promise<string> {
  try {
    await session.login(opts);
    return 'ok';
  } catch (err) {
    if (isRescueError(err)) return err.code;
    throw err;
  }
}

/**
 * printk-style lines, as the kernel would splice them in (nspawn's console never gets /dev/kmsg), and
 * when (ms after the command starts): between output lines, and the last one in the middle of a line
 * (the command prints `part-a`, sleeps, then `part-b`).
 */
const INJECTED = [
  { atMs: 600, line: '[  123.456789] foo: bar' },
  { atMs: 1200, line: '[ 4567.000001] vps-lab: link eth0 is up' },
  { atMs: 1800, line: '[ 4567.250000] EXT4-fs (vda1): re-mounted. Quota mode: none.' },
];

const COMMAND =
  'for i in 1 2 3 4 5 6; do echo out-$i; sleep 0.25; done; printf part-a; sleep 0.5; echo part-b';

function recordKernel(server: LabServer) {
  return recordSession(server, async (s) => {
    await s.login({ user: 'root', password: PASSWORDS.root });
    const startedAt = Date.now();
    const running = s.run(COMMAND);
    for (const { atMs, line } of INJECTED) {
      await sleep(Math.max(0, startedAt + atMs - Date.now()));
      await server.execChecked(`printf '%s\\r\\n' '${line}' > /dev/console`);
    }
    const result = await running;
    const injected = INJECTED.map((i) => i.line);
    return { user: 'root', password: PASSWORDS.root, command: COMMAND, injected, result };
  });
}

function splicedMidLine(events: StreamEvent[]): boolean {
  const rx = Buffer.concat(events.filter((e) => e.dir === 'rx').map((e) => e.data)).toString('utf8');
  return rx.includes(`part-a${INJECTED.at(-1)!.line}`);
}

async function captureSuite(suite: Suite): Promise<void> {
  console.log(`${suite}: booting`);
  const booted = await bootScenario('story-wrong-dir', { suite });
  const server = booted.server;
  try {
    await server.console.waitFor(/login: $/, 120_000);
    await sleep(500); // anything printed right after the prompt is part of a real boot, too
    const log = consoleLog.get(server.console) ?? [];
    const t0 = log[0]?.at ?? Date.now();
    const boot = log.map((c) => ({ dir: 'rx' as const, t: c.at - t0, data: c.data }));
    await save(suite, 'boot', { scenario: 'story-wrong-dir', hostname: 'vps' }, boot);

    const root = await recordSession(server, async (s) => {
      const r = await s.login({ user: 'root', password: PASSWORDS.root });
      return { user: 'root', password: PASSWORDS.root, uid: r.uid, shell: r.shell };
    });
    await save(suite, 'login-root', root.meta, root.events);

    const wrong = await recordSession(server, async (s) => {
      const first = await loginCode(s, { user: 'root', password: 'Wrong-pw-0000' });
      const second = await s.login({ user: 'root', password: PASSWORDS.root });
      return {
        user: 'root',
        wrongPassword: 'Wrong-pw-0000',
        password: PASSWORDS.root,
        first,
        uid: second.uid,
        shell: second.shell,
      };
    });
    await save(suite, 'login-wrong-then-right', wrong.meta, wrong.events);

    const alice = await recordSession(server, async (s) => {
      const r = await s.login({ user: 'alice', password: PASSWORDS.alice });
      return { user: 'alice', password: PASSWORDS.alice, uid: r.uid, shell: r.shell };
    });
    await save(suite, 'login-alice-sudo', alice.meta, alice.events);

    // The splice into `part-a`…`part-b` depends on timing: try again until the line lands mid-line.
    let kernel = await recordKernel(server);
    for (let attempt = 1; attempt < 4 && !splicedMidLine(kernel.events); attempt++) {
      console.log('  printk line missed the middle of part-a/part-b: recording again');
      kernel = await recordKernel(server);
    }
    await save(suite, 'kernel-interleaved', kernel.meta, kernel.events);
  } finally {
    await server.destroy();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root');
  await mkdir(FIXTURE_DIR, { recursive: true });
  const only = process.argv.slice(2) as Suite[];
  for (const suite of SUITES) {
    if (only.length > 0 && !only.includes(suite)) continue;
    if (suite !== 'bookworm' && !imageReady(suite)) {
      console.log(`${suite}: image not cached, skipped`);
      continue;
    }
    await captureSuite(suite);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

import { PASSWORDS, type LabServer } from '../lab/index.js';
import { ConsoleSession } from '../src/console/session.js';
import { summarize, type Summary } from './stats.js';

export interface ConsoleMicro {
  /** open → root shell ready (connect + login + shell setup) */
  toRootShellMs: number;
  connectMs: number;
  loginMs: number;
  /** one `true` command, typed and its end marker read back */
  commandMs: Summary;
  /** console cost of one such command */
  bytesTypedPerCommand: number;
  roundTripsPerCommand: number;
}

/** The console engine alone on one server: how long to a root shell, and what one command costs. */
export async function measureConsole(server: LabServer, commands = 50): Promise<ConsoleMicro> {
  const started = Date.now();
  const session = await ConsoleSession.open({ kind: 'local', url: `unix:${server.consoleSocket}` });
  try {
    await session.login({ user: 'root', password: PASSWORDS.root });
    const toRootShellMs = Date.now() - started;
    const before = session.counters;
    const times: number[] = [];
    for (let i = 0; i < commands; i++) {
      const t0 = performance.now();
      const r = await session.run('true');
      times.push(performance.now() - t0);
      if (r.exitCode !== 0) throw new Error(`console micro: \`true\` exited ${r.exitCode}`);
    }
    const after = session.counters;
    return {
      toRootShellMs,
      connectMs: session.timings.connectMs ?? NaN,
      loginMs: session.timings.loginMs ?? NaN,
      commandMs: summarize(times),
      bytesTypedPerCommand: (after.bytesTyped - before.bytesTyped) / commands,
      roundTripsPerCommand: (after.roundTrips - before.roundTrips) / commands,
    };
  } finally {
    await session.close({ logout: true }).catch(() => undefined);
  }
}

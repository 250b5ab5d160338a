import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootedScenario } from '../../lab/index.js';
import { startSimulator, type SimRegistration, type Simulator } from '../../lab/simulator/index.js';
import type { SimulatedProvider } from '../../lab/simulator/coverage.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  /** What the CLI printed, joined by newlines. */
  stdout: string;
  stderr: string;
  seconds: number;
}

/** One end-to-end run of `vps-rescue --provider …` against the simulator, with its output directory. */
export interface ProviderRun {
  sim: Simulator;
  /** The --out directory: reports and transcript. */
  out: string;
  /** The customer's public key as a file (in `out`, left out of `written()`). */
  keyFile: string;
  /** `vps-rescue --provider P --endpoint <sim> --host HOST ARGS --out OUT`, in process, with the simulator's credentials and `env`. */
  cli(host: string, args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** The text of every file the run wrote, by name. */
  written(): Map<string, string>;
  /** The text of the written file whose name ends in `suffix` (.md, .json, .transcript.jsonl). */
  report(suffix: string): string;
}

/**
 * Starts the simulator for `b` (or `servers`), runs `body`, and always cleans up: simulator, `cleanup`
 * (e.g. a rescue-system driver), the lab server and the output directory. A simulator that fails to
 * start leaves nothing behind either.
 */
export async function withProviderRun(
  b: BootedScenario | undefined,
  provider: SimulatedProvider,
  opts: { servers?: readonly SimRegistration[]; cleanup?: () => Promise<void> },
  body: (run: ProviderRun) => Promise<void>,
): Promise<void> {
  const release = async () => {
    await opts.cleanup?.();
    await b?.server.destroy();
  };
  const sim = await startSimulator({ servers: opts.servers ?? (b ? [b.server] : []) }).catch(
    async (err: unknown) => {
      await release();
      throw err;
    },
  );
  const out = mkdtempSync(join(tmpdir(), `vr-${provider}-`));
  const keyFile = join(out, 'customer.pub');
  if (b) writeFileSync(keyFile, `${b.key.publicKey}\n`);
  const files = () => readdirSync(out).filter((f) => f !== 'customer.pub');
  const run: ProviderRun = {
    sim,
    out,
    keyFile,
    async cli(host, args, env = {}) {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const argv = ['--provider', provider, '--endpoint', sim.endpoint(provider), '--host', host];
      const started = Date.now();
      const code = await main([...argv, ...args, '--out', out], {
        env: { ...process.env, ...sim.env(provider), ...env },
        stdout: (t) => stdout.push(t),
        stderr: (t) => stderr.push(t),
      });
      const seconds = (Date.now() - started) / 1000;
      return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), seconds };
    },
    written: () => new Map(files().map((f) => [f, readFileSync(join(out, f), 'utf8')])),
    report: (suffix) =>
      readFileSync(
        join(
          out,
          files().find((f) => f.endsWith(suffix))!,
        ),
        'utf8',
      ),
  };
  try {
    await body(run);
  } finally {
    await sim.close();
    await release();
    rmSync(out, { recursive: true, force: true });
  }
}

/** The simulator's credential values for `provider`: canaries that no output may contain. */
export function apiSecrets(sim: Simulator, provider: SimulatedProvider): string[] {
  return Object.entries(sim.env(provider))
    .filter(([name]) => /TOKEN|PASSWORD|SECRET|CREDENTIAL/.test(name))
    .map(([, value]) => value);
}

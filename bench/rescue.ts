import { readFile } from 'node:fs/promises';
import { loadProvider } from '../providers/index.js';
import { labRescueOptions, type BootedScenario } from '../lab/index.js';
import { startSimulator } from '../lab/simulator/index.js';
import type { ConsoleEndpoint } from '../src/console/endpoint.js';
import { rescue } from '../src/rescue/run.js';
import type { RescueResult } from '../src/rescue/types.js';
import { stepDurations, type RunCost, type StepTime } from './stats.js';

export type RescueVariant = 'password-window' | 'key-repair';

export interface RescueRun extends RunCost {
  steps: StepTime[];
}

export interface ProviderRun extends RescueRun {
  /** loadProvider + findServer + openConsole, before the rescue starts */
  adapterMs: number;
  /** the rescue alone, from call to return */
  rescueMs: number;
}

/** The customer's situation as the support engineer gets it: root's console password, alice's own password. */
async function runRescue(
  b: BootedScenario,
  endpoint: ConsoleEndpoint,
  variant: RescueVariant,
  privateKey?: string,
): Promise<RescueResult> {
  return rescue(
    labRescueOptions(b.server, {
      console: endpoint,
      // auto would put the story's misplaced key right: the window is asked for by name.
      ...(variant === 'key-repair'
        ? { customerKey: b.key.publicKey, privateKey }
        : { action: 'enable-password' as const }),
    }),
  );
}

/** A run whose job was not done measures nothing: the verification from outside must have passed. */
function costOf(result: RescueResult, startMs: number, endMs: number, variant: RescueVariant): RescueRun {
  const [action, via] = variant === 'key-repair' ? ['fix', 'key'] : ['enable-password', 'password'];
  const did = result.changes.map((c) => c.action).join(',');
  const proof = result.verification?.login?.via;
  if (!result.ok || !result.verification?.passed || did !== action || proof !== via) {
    throw new Error(
      `rescue (${variant}) did not do its job: ok=${result.ok}, changes=[${did}], verified via ${proof}`,
    );
  }
  const c = result.counters;
  if (!c) throw new Error('rescue returned no console counters');
  return {
    ms: endMs - startMs,
    bytesTyped: c.bytesTyped,
    roundTrips: c.roundTrips,
    commands: c.commands,
    steps: stepDurations(startMs, result.timeline, endMs),
  };
}

/** The rescue on the lab console socket directly. */
export async function runRescueDirect(b: BootedScenario, variant: RescueVariant): Promise<RescueRun> {
  // The customer's private key, read before the clock starts: only the verification uses it.
  const privateKey = variant === 'key-repair' ? await readFile(b.key.privateKeyPath, 'utf8') : undefined;
  const endpoint: ConsoleEndpoint = { kind: 'local', url: `unix:${b.server.consoleSocket}` };
  const started = Date.now();
  const result = await runRescue(b, endpoint, variant, privateKey);
  return costOf(result, started, Date.now(), variant);
}

/** The password-window rescue with the console found and opened through the ConoHa adapter (nova-serialproxy). */
export async function runRescueViaConoha(b: BootedScenario): Promise<ProviderRun> {
  const sim = await startSimulator({ servers: [b.server] });
  try {
    const started = Date.now();
    const adapter = await loadProvider('conoha', sim.context('conoha'));
    const server = await adapter.findServer({ ip: b.server.address });
    const endpoint = await adapter.openConsole(server, 'serial');
    const adapterMs = Date.now() - started;
    const rescueStarted = Date.now();
    const result = await runRescue(b, endpoint, 'password-window');
    const run = costOf(result, rescueStarted, Date.now(), 'password-window');
    // The run's time covers the whole path, adapter included; the rescue alone is kept beside it.
    return { ...run, ms: run.ms + adapterMs, adapterMs, rescueMs: run.ms };
  } finally {
    await sim.close();
  }
}

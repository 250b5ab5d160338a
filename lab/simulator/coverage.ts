import { PROVIDERS } from '../../providers/index.js';

/**
 * Which registered providers the simulator speaks, as each folder declares it: simulated (its
 * providers/<id>/simulator.ts serves the API and consoles) or not, with the reason
 * (test/lab/simulator-registry.test.ts checks both).
 */
export const SIMULATED_PROVIDERS: readonly string[] = PROVIDERS.filter((p) => p.simulator.simulated).map(
  (p) => p.id,
);

/** A registered provider the simulator serves. */
export type SimulatedProvider = string;

export const NOT_SIMULATED: Readonly<Record<string, string>> = Object.fromEntries(
  PROVIDERS.flatMap((p) => (p.simulator.simulated ? [] : [[p.id, p.simulator.reason]])),
);

export function isSimulated(id: string): id is SimulatedProvider {
  return SIMULATED_PROVIDERS.includes(id);
}

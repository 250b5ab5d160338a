import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NOT_SIMULATED,
  SIMULATED_PROVIDERS,
  startSimulator,
  type Simulator,
} from '../../lab/simulator/index.js';
import { loadProvider, PROVIDERS } from '../../providers/index.js';

/**
 * The contract "adding a provider = folder + fixtures + simulator route": every registered provider
 * is either served by the simulator or listed in NOT_SIMULATED with its reason. Needs no lab server.
 */
describe('simulator covers the provider registry', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      servers: [{ name: 'web-1', address: '127.0.1.250', consoleSocket: '/nonexistent/console.sock' }],
    });
  });
  afterAll(() => sim.close());

  it('every registered provider is simulated or explicitly not, with a reason', () => {
    for (const { id } of PROVIDERS) {
      const simulated = (SIMULATED_PROVIDERS as readonly string[]).includes(id);
      const reason = NOT_SIMULATED[id];
      expect({ id, simulated, excluded: reason !== undefined }).toEqual({
        id,
        simulated: reason === undefined,
        excluded: !simulated,
      });
      if (reason !== undefined) expect(reason.length, `reason for ${id}`).toBeGreaterThan(20);
    }
  });

  it('lists no provider that is not registered', () => {
    const ids = PROVIDERS.map((p) => p.id);
    for (const id of [...SIMULATED_PROVIDERS, ...Object.keys(NOT_SIMULATED)]) expect(ids).toContain(id);
  });

  for (const id of SIMULATED_PROVIDERS) {
    it(`${id}: the simulator's env fills one of the credential sets the registry documents`, async () => {
      const entry = PROVIDERS.find((p) => p.id === id)!;
      const env = sim.env(id);
      const filled = entry.credentialHelp.variables.some((set) => set.every((name) => env[name]));
      expect(filled, `${id} env ${Object.keys(env).join(',')}`).toBe(true);
      // Loopback only, and the adapter accepts these credentials without going online.
      expect(new URL(sim.endpoint(id)).hostname).toBe('127.0.0.1');
      const adapter = await loadProvider(id, sim.context(id));
      expect(adapter.id).toBe(id);
    });
  }
});

import { describe, it } from 'vitest';
import { labAvailability } from '../../lab/availability.js';

const ci = process.env.CI === 'true' || process.env.CI === '1';

/**
 * describe() for tests that need real lab servers. Where the lab cannot run they are skipped with
 * the reason — except under CI=true, where the block fails instead, so a green CI always means the
 * lab really ran.
 */
export function labDescribe(name: string, body: () => void): void {
  const availability = labAvailability();
  if (availability.ok) {
    describe(name, body);
  } else if (ci) {
    describe(name, () => {
      it('has a working lab (required under CI=true)', () => {
        throw new Error(`lab unavailable under CI=true: ${availability.reason}`);
      });
    });
  } else {
    describe.skip(`${name} [lab unavailable: ${availability.reason}]`, body);
  }
}

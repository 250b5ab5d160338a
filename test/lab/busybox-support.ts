import type { ExpectStatic } from 'vitest';
import { labRescueOptions, type LabServer, type ScenarioContext, type ServerSpec } from '../../lab/index.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions } from '../../src/rescue/types.js';

/* Shared by the busybox-flavour rescue tests. */

/** rescue-snapshot's snapshot with busybox find/stat/sha256sum (no GNU find -printf here). */
export async function snapshot(server: LabServer): Promise<Map<string, string>> {
  const where = "/etc /home /root -xdev ! -path '/root/.vps-rescue*'";
  const meta = await server.execChecked(`find ${where} -exec stat -c '%n|%a %u %g %F' {} +`);
  const sums = await server.execChecked(`find ${where} -type f -exec sha256sum {} +`);
  const out = new Map<string, string>();
  for (const line of meta.split('\n').filter(Boolean)) {
    const at = line.lastIndexOf('|');
    out.set(line.slice(0, at), line.slice(at + 1));
  }
  for (const line of sums.split('\n').filter(Boolean)) {
    const path = line.slice(66);
    out.set(path, `${out.get(path)} ${line.slice(0, 64)}`);
  }
  return out;
}

/** The lab's usual rescue options (root on the console, alice rescued) with this test's action. */
export function consoleRescue(server: LabServer, o: Partial<RescueOptions> & Pick<RescueOptions, 'action'>) {
  return rescue(labRescueOptions(server, o));
}

/** Field `n` (1-based) of `name`'s line in a colon file. */
export async function field(server: LabServer, file: string, name: string, n: number): Promise<string> {
  const out = await server.execChecked(`awk -F: -v u=${name} '$1==u{print $${n}}' ${file}`);
  return out.replace(/\n$/, '');
}

export interface AccountCase {
  id: string;
  build: (ctx: ScenarioContext) => ServerSpec;
  user: string;
  primary: string;
  action?: RescueOptions['action'];
  login: 'key' | 'password';
  /** checks on the server afterwards; `before` is the user's shadow password field before the rescue */
  after: (server: LabServer, expect: ExpectStatic, before: string) => Promise<void>;
}

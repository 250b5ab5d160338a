import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keysDir } from './keys.js';
import { LAB_STATE, serversDir } from './paths.js';
import { comm, descendants } from './server.js';
import { alive } from './lock.js';

/**
 * Removes servers whose owning process died without destroying them (a crashed test worker):
 * container init first, then the host-side processes, then the overlay directory.
 */
export async function cleanupOrphans(log: (line: string) => void = () => {}): Promise<number> {
  const names = await readdir(serversDir()).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const dir = join(serversDir(), name);
    const owner = Number((await readFile(join(dir, 'owner'), 'utf8').catch(() => '')).trim());
    if (owner && alive(owner)) continue;
    const pid = Number((await readFile(join(dir, 'pid'), 'utf8').catch(() => '')).trim());
    if (pid && alive(pid) && (await comm(pid)) === 'script') {
      const tree = await descendants(pid);
      const inits: number[] = [];
      for (const p of tree) if ((await comm(p)) === 'systemd') inits.push(p);
      for (const p of [...inits, ...tree, pid]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await rm(dir, { recursive: true, force: true });
    log(`lab: removed orphaned server ${name}`);
    removed++;
  }
  // Key pairs of test processes that died before their exit handler ran (a worker ended by a
  // signal); a pid taken over by something other than node counts as dead.
  for (const name of await readdir(join(LAB_STATE, 'keys')).catch(() => [] as string[])) {
    // The one askpass helper all processes once shared (now each has its own in its key directory).
    if (name === 'askpass.sh') await rm(join(LAB_STATE, 'keys', name), { force: true });
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (alive(pid) && (await comm(pid)) === 'node') continue;
    await rm(keysDir(pid), { recursive: true, force: true });
  }
  return removed;
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';

/** Whether a process with this PID exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A directory lock shared by every process on the machine (test workers, the demo): mkdir is atomic.
 * A lock whose owner died is taken over.
 */
export async function tryLock(path: string): Promise<boolean> {
  try {
    await mkdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number((await readFile(`${path}/pid`, 'utf8').catch(() => '')).trim());
    if (owner && alive(owner)) return false;
    // Owner gone (or pid not written yet by a live owner: give it a moment before stealing).
    if (!owner) {
      await new Promise((r) => setTimeout(r, 200));
      const again = Number((await readFile(`${path}/pid`, 'utf8').catch(() => '')).trim());
      if (again && alive(again)) return false;
    }
    await rm(path, { recursive: true, force: true });
    return tryLock(path);
  }
  await writeFile(`${path}/pid`, String(process.pid));
  return true;
}

export async function withLock<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tryLock(path))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

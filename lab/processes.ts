import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

export async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(
    tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')),
  );
  return lists.flatMap((l) => l.split(/\s+/).filter(Boolean).map(Number));
}

export async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const children = await childrenOf(queue.shift()!);
    out.push(...children);
    queue.push(...children);
  }
  return out;
}

export async function comm(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
}

/**
 * Kills a lab machine: its container init (`leader`, which ends the whole PID namespace at once),
 * then every host-side process under `proc`; returns once all of them are gone.
 */
export async function killMachine(
  leader: number | undefined,
  proc: ChildProcess | undefined,
  exited: Promise<void> | undefined,
): Promise<void> {
  const tree = proc?.pid ? await descendants(proc.pid) : [];
  for (const pid of [leader, ...tree, proc?.pid]) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (proc && proc.exitCode === null && proc.signalCode === null) await exited;
  // SIGKILL is delivered asynchronously across a PID namespace: wait until every process is gone.
  const deadline = Date.now() + 10_000;
  const pending = () => [leader, ...tree].filter((pid) => pid && existsSync(`/proc/${pid}`));
  while (pending().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

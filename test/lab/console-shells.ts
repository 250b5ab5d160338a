import type { LabServer } from '../../lab/index.js';

/** Processes other than getty/login on the console's terminal: a shell left logged in shows here. */
export async function shellsOnConsole(server: LabServer): Promise<string[]> {
  const tty = (await server.execChecked("ps -o tty= -C agetty | head -n1 | tr -d ' '")).trim();
  if (!tty) return ['no agetty on the console'];
  const out = await server.execChecked(`ps -o user=,comm= -t ${tty}`);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/\b(agetty|login)$/.test(l));
}

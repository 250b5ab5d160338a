import type { Collection } from '../diagnose/collection.js';
import type { ServerShell } from './server-shell.js';
import { LEGACY_DROPIN, MAIN_CONFIG, windowFiles } from './window-closer.js';

/** Beyond this the report says that the server's clock and this machine's differ. */
export const NOTABLE_SKEW_SECONDS = 60;

export interface ServerWindowTimes {
  /** When the window opened and when it closes, by the server's clock (ISO); no `until` = permanent. */
  opened: string;
  until?: string;
  /** Server clock minus this machine's clock, in whole seconds (rounded; ± the round trip). */
  skewSeconds: number;
}

const EPOCH = /^\d{9,11}$/;

/**
 * Reads back the window's state file and the server's clock in one command. The client's clock is
 * used only to measure the difference, never for a deadline.
 */
export async function readWindowTimes(
  shell: ServerShell,
  user: string,
  now: () => Date,
): Promise<ServerWindowTimes | undefined> {
  const before = now().getTime();
  const r = await shell.run(`date +%s;cat ${windowFiles(user).state}`, { timeoutMs: 30_000 });
  const after = now().getTime();
  const [clock, state] = r.stdout.replace(/\r/g, '').trim().split('\n');
  const fields = (state ?? '').trim().split(/\s+/);
  if (!EPOCH.test(clock?.trim() ?? '') || !EPOCH.test(fields[1] ?? '')) return undefined;
  const iso = (epoch: string) => new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z');
  const skewSeconds = Math.round(Number(clock) - (before + after) / 2000);
  return {
    opened: iso(fields[1]!),
    ...(EPOCH.test(fields[2] ?? '') ? { until: iso(fields[2]!) } : {}),
    skewSeconds,
  };
}

/** "2 h 5 min ahead of", "3 min behind": the skew in words for the time line. */
export function describeSkew(skewSeconds: number): string {
  const s = Math.abs(skewSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  const size = h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${s} s`;
  return `the server's clock is ${size} ${skewSeconds > 0 ? 'ahead of' : 'behind'} this machine's; the window's times are the server's`;
}

/** Whether the collection shows a window of this user's (its drop-in, the legacy one, or an inline block). */
export function windowAlreadyOpen(c: Collection, user: string): boolean {
  const f = windowFiles(user);
  const lines = (path: string) => c.configFiles.find((file) => file.path === path)?.lines ?? [];
  if (lines(f.dropin).some((l) => l.trim() === `Match User ${user}`)) return true;
  if (lines(LEGACY_DROPIN).some((l) => l.trim() === `Match User ${user}`)) return true;
  return lines(MAIN_CONFIG).some((l) => l.trim() === f.begin);
}

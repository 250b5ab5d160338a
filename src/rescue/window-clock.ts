import type { Collection } from '../diagnose/collection.js';
import { tailLine } from './transaction.js';
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

/** Seconds since the epoch as the server's `date +%s` prints them. */
export const EPOCH = /^\d{9,11}$/;

/** Such seconds as an ISO time, without the milliseconds `date` never has. */
export function epochIso(epoch: string): string {
  return new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z');
}

/** sh for the window transaction's tail: the server's clock and the window's state file, one line. */
export function windowTimesTail(user: string): string {
  return tailLine(`$(date +%s) $(cat ${windowFiles(user).state})`);
}

/**
 * The window's times from the tail line of its transaction (windowTimesTail), read in the same
 * exchange as the change. `clientMidMs`: this machine's clock halfway through that exchange, used
 * only to measure the difference, never for a deadline.
 */
export function windowTimesFrom(tail: string[], clientMidMs: number): ServerWindowTimes | undefined {
  const [clock, , opened, until] = (tail.at(-1) ?? '').trim().split(/\s+/);
  if (!EPOCH.test(clock ?? '') || !EPOCH.test(opened ?? '')) return undefined;
  return {
    opened: epochIso(opened!),
    ...(EPOCH.test(until ?? '') ? { until: epochIso(until!) } : {}),
    skewSeconds: Math.round(Number(clock) - clientMidMs / 1000),
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

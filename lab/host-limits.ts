import { readFile, writeFile } from 'node:fs/promises';

const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';
const WANTED = 8192;

/**
 * Each booted systemd takes several inotify instances; the kernel default (128 per user) runs out
 * after a handful of parallel servers and systemd then dies with "Too many open files". A runtime
 * sysctl, nothing persistent.
 */
export async function raiseHostLimits(): Promise<void> {
  const current = Number((await readFile(INOTIFY_INSTANCES, 'utf8').catch(() => '0')).trim());
  if (current > 0 && current < WANTED) await writeFile(INOTIFY_INSTANCES, String(WANTED)).catch(() => {});
}

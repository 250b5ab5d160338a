import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imagesDir } from './paths.js';
import { withLock } from './lock.js';
import { runChecked } from './run.js';

export type Suite = 'bookworm' | 'bullseye' | 'trixie';
export const SUITES: readonly Suite[] = ['bookworm', 'bullseye', 'trixie'];
export const DEFAULT_SUITE: Suite = 'bookworm';

const MIRROR = process.env.VPS_RESCUE_LAB_MIRROR ?? 'http://deb.debian.org/debian';

/** What a VPS image has that matters here: systemd, sshd, sudo, a getty and the usual admin tools. */
const PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'sudo', 'iproute2', 'procps', 'kmod'];

/**
 * Runs once inside the fresh root filesystem. Timers that only add boot noise are masked; nothing
 * else is changed, so the servers behave like a stock Debian install.
 */
const CUSTOMIZE = `set -e
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \\
         e2scrub_reap.service systemd-tmpfiles-clean.timer fstrim.timer; do
  ln -sf /dev/null /etc/systemd/system/$u
done
rm -f /etc/hostname
: > /etc/machine-id
apt-get clean
rm -rf /var/lib/apt/lists/*
`;

const RECIPE_VERSION = 2;

function recipeHash(suite: Suite): string {
  return createHash('sha256')
    .update(JSON.stringify({ suite, PACKAGES, CUSTOMIZE, RECIPE_VERSION }))
    .digest('hex')
    .slice(0, 10);
}

export function imagePath(suite: Suite): string {
  return join(imagesDir(), `${suite}-${recipeHash(suite)}`);
}

/** The stamp sits beside the root filesystem, not in it: servers must not see lab files. */
const stampOf = (dir: string) => `${dir}.complete`;

export function imageReady(suite: Suite): boolean {
  return existsSync(stampOf(imagePath(suite)));
}

/** The base root filesystem for a suite, built with debootstrap when missing (one builder at a time). */
export async function ensureImage(suite: Suite, log: (line: string) => void = () => {}): Promise<string> {
  const dir = imagePath(suite);
  if (imageReady(suite)) return dir;
  await mkdir(imagesDir(), { recursive: true });
  return withLock(`${dir}.lock`, 20 * 60_000, async () => {
    if (imageReady(suite)) return dir;
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    log(`lab: building the ${suite} image with debootstrap (once; cached in ${imagesDir()})`);
    const started = Date.now();
    await runChecked(
      'debootstrap',
      ['--variant=minbase', `--include=${PACKAGES.join(',')}`, suite, tmp, MIRROR],
      { timeoutMs: 15 * 60_000 },
    );
    await runChecked('chroot', [tmp, '/bin/sh', '-c', CUSTOMIZE]);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(stampOf(dir), `${new Date().toISOString()}\n`);
    log(`lab: ${suite} image ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return dir;
  });
}

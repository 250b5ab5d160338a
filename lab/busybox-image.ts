import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BUSYBOX_ETC } from './busybox-files.js';
import { ensureImage } from './image.js';
import { withLock } from './lock.js';
import { imagesDir } from './paths.js';
import { runChecked } from './run.js';
import { sq } from './shell.js';

/** The host's static busybox (Debian package busybox-static) is the whole userland. */
export const HOST_BUSYBOX = '/usr/bin/busybox';

/**
 * Binaries taken from the Debian image with the shared libraries they load: OpenSSH's sshd (Alpine
 * has OpenSSH too), and pgrep, which Alpine's busybox has as an applet but Debian's busybox-static
 * lacks. The product needs none of it (it looks sshd up in /proc); the account-fix tests remove it.
 */
const FROM_DEBIAN = ['/usr/sbin/sshd', '/usr/bin/pgrep'];

const RECIPE_VERSION = 1;

function recipeHash(busybox: Buffer): string {
  return createHash('sha256')
    .update(JSON.stringify({ BUSYBOX_ETC, FROM_DEBIAN, RECIPE_VERSION }))
    .update(busybox)
    .digest('hex')
    .slice(0, 10);
}

/** Builds the root filesystem in `tmp`: busybox applets, Debian's sshd and its libraries, /etc. */
function buildScript(tmp: string, debian: string): string {
  const t = sq(tmp);
  const copyLibs = FROM_DEBIAN.map(
    (bin) =>
      `cp -L ${sq(debian + bin)} ${t}${bin}\n` +
      // ldd's resolved paths, plus the loader itself (the line without "=>").
      `chroot ${sq(debian)} ldd ${bin} | awk '$2=="=>"&&$3~/^\\//{print $3} $1~/^\\//{print $1}' | while read -r lib; do
  mkdir -p "$(dirname ${t}"$lib")"; cp -L ${sq(debian)}"$lib" ${t}"$lib"; done`,
  ).join('\n');
  return [
    'set -e',
    `mkdir -p ${t}`,
    `cd ${t}`,
    'mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc/ssh/sshd_config.d etc/init.d etc/conf.d root home',
    'mkdir -p var/log var/empty var/backups run tmp proc sys dev',
    'ln -s /run var/run',
    'chmod 700 root',
    'chmod 1777 tmp',
    `cp ${sq(HOST_BUSYBOX)} bin/busybox`,
    `chroot ${t} /bin/busybox --install -s`,
    copyLibs,
    // Host keys made once per image: every busybox server shares them, as the Debian image's servers do.
    'for k in rsa ecdsa ed25519; do ssh-keygen -q -t $k -N "" -C "" -f etc/ssh/ssh_host_${k}_key; done',
  ].join('\n');
}

export function busyboxImagePath(busybox: Buffer): string {
  return join(imagesDir(), `busybox-${recipeHash(busybox)}`);
}

/** The Alpine-like root filesystem, built once from the bookworm image and the host's busybox. */
export async function ensureBusyboxImage(log: (line: string) => void = () => {}): Promise<string> {
  if (!existsSync(HOST_BUSYBOX))
    throw new Error(`the busybox flavour needs ${HOST_BUSYBOX} (busybox-static)`);
  const busybox = await readFile(HOST_BUSYBOX);
  const dir = busyboxImagePath(busybox);
  const stamp = `${dir}.complete`;
  if (existsSync(stamp)) return dir;
  const debian = await ensureImage('bookworm', log);
  await mkdir(imagesDir(), { recursive: true });
  return withLock(`${dir}.lock`, 5 * 60_000, async () => {
    if (existsSync(stamp)) return dir;
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    log('lab: building the busybox image (once)');
    await runChecked('sh', ['-c', buildScript(tmp, debian)], { timeoutMs: 120_000 });
    for (const [path, [content, mode]] of Object.entries(BUSYBOX_ETC)) {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), content);
      await chmod(join(tmp, path), mode);
    }
    await runChecked('chown', ['root:42', join(tmp, 'etc/shadow')]);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(stamp, `${new Date().toISOString()}\n`);
    return dir;
  });
}

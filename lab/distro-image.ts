import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureImage, imagePath } from './image.js';
import { withLock } from './lock.js';
import { imagesDir } from './paths.js';
import { runChecked } from './run.js';
import { sq } from './shell.js';

/**
 * A flavour's root filesystem: a copy of the bookworm image with Debian packages added or removed
 * (apt inside a chroot) and files written over it. Only Debian's archive is reachable here, so the
 * other distributions' arrangements are rebuilt from Debian's packages; their OpenSSH stays Debian's.
 */
export interface DerivedImage {
  name: string;
  /** Debian packages to install (apt-get install; a package named with a trailing `-` is removed). */
  packages: string[];
  /** sh run in the chroot after apt and after the files are written */
  customize: string;
  /** path → [content, mode]; a content starting with `->` makes a symlink to the rest */
  files: Record<string, [string, number]>;
  version: number;
}

/** The base image's own name (its recipe hash) is part of it: a new bookworm image makes a new flavour image. */
function recipeHash(recipe: DerivedImage): string {
  return createHash('sha256')
    .update(JSON.stringify({ recipe, base: basename(imagePath('bookworm')) }))
    .digest('hex')
    .slice(0, 10);
}

export function derivedImagePath(recipe: DerivedImage): string {
  return join(imagesDir(), `${recipe.name}-${recipeHash(recipe)}`);
}

/** Keeps package scripts from starting daemons in the image being built. */
const APT = `set -e
printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive SUDO_FORCE_REMOVE=yes
apt-get update -qq
apt-get install -y -qq --no-install-recommends --allow-remove-essential "$@"
apt-get clean; rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
`;

async function writeFiles(root: string, files: DerivedImage['files']): Promise<void> {
  for (const [path, [content, mode]] of Object.entries(files)) {
    const at = join(root, path);
    await mkdir(dirname(at), { recursive: true });
    await rm(at, { force: true });
    if (content.startsWith('->')) {
      await symlink(content.slice(2), at);
      continue;
    }
    await writeFile(at, content);
    await chmod(at, mode);
  }
}

/** The flavour's image, built once from the bookworm image (one builder at a time). */
export async function ensureDerivedImage(
  recipe: DerivedImage,
  log: (line: string) => void = () => {},
): Promise<string> {
  const dir = derivedImagePath(recipe);
  const stamp = `${dir}.complete`;
  if (existsSync(stamp)) return dir;
  const debian = await ensureImage('bookworm', log);
  await mkdir(imagesDir(), { recursive: true });
  return withLock(`${dir}.lock`, 10 * 60_000, async () => {
    if (existsSync(stamp)) return dir;
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    log(`lab: building the ${recipe.name} image (once)`);
    await runChecked('cp', ['-a', debian, tmp]);
    await runChecked('cp', ['-L', '/etc/resolv.conf', join(tmp, 'etc/resolv.conf')]);
    const script = `mount -t proc proc ${sq(join(tmp, 'proc'))}; trap 'umount ${sq(join(tmp, 'proc'))}' EXIT
chroot ${sq(tmp)} /bin/sh -c ${sq(APT)} sh ${recipe.packages.map(sq).join(' ')}`;
    await runChecked('unshare', ['-m', '--propagation', 'private', 'sh', '-ec', script], {
      timeoutMs: 10 * 60_000,
    });
    await writeFiles(tmp, recipe.files);
    await runChecked('chroot', [tmp, '/bin/sh', '-ec', recipe.customize]);
    await rm(join(tmp, 'etc/resolv.conf'), { force: true });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(stamp, `${new Date().toISOString()}\n`);
    return dir;
  });
}

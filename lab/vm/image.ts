import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_CACHE } from '../paths.js';
import { withLock } from '../lock.js';
import { runChecked } from '../run.js';

const MIRROR = process.env.VPS_RESCUE_LAB_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * A VM needs what the container image has plus a kernel, an initramfs, udev and the console tools a
 * VPS has (console-setup fonts, kbd's loadkeys/setfont, ckbcomp for keymaps).
 */
const PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'udev',
  'openssh-server',
  'sudo',
  'iproute2',
  'procps',
  'kmod',
  'linux-image-amd64',
  'initramfs-tools',
  'console-setup',
  'console-setup-linux',
  'keyboard-configuration',
  'kbd',
];

/**
 * Keymaps for both layouts are compiled once here; at boot `vpslab-console.service` loads the one
 * named on the kernel command line (`vpslab.keymap=us|jp106`) and the font (`vpslab.font=<name>`),
 * so one disk serves every layout/font combination.
 */
const CUSTOMIZE = `set -e
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \\
         e2scrub_reap.service systemd-tmpfiles-clean.timer fstrim.timer \\
         console-setup.service keyboard-setup.service setvtrgb.service; do
  ln -sf /dev/null /etc/systemd/system/$u
done
: > /etc/machine-id
echo '/dev/vda / ext4 defaults 0 1' > /etc/fstab
mkdir -p /etc/vpslab /etc/systemd/network
ckbcomp -model pc105 us > /etc/vpslab/us.kmap
ckbcomp -model jp106 jp > /etc/vpslab/jp106.kmap
cat > /usr/local/sbin/vpslab-console <<'EOS'
#!/bin/sh
keymap=us; font=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    vpslab.keymap=*) keymap=\${arg#vpslab.keymap=} ;;
    vpslab.font=*) font=\${arg#vpslab.font=} ;;
  esac
done
loadkeys -C /dev/tty1 /etc/vpslab/$keymap.kmap
if [ -n "$font" ]; then setfont -C /dev/tty1 /usr/share/consolefonts/$font.psf.gz; fi
EOS
chmod 755 /usr/local/sbin/vpslab-console
cat > /etc/systemd/system/vpslab-console.service <<'EOS'
[Unit]
Description=Lab console keymap and font from the kernel command line
DefaultDependencies=no
After=systemd-vconsole-setup.service
Before=getty@tty1.service sysinit.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/vpslab-console
[Install]
WantedBy=sysinit.target
EOS
ln -sf /etc/systemd/system/vpslab-console.service /etc/systemd/system/sysinit.target.wants/vpslab-console.service
cat > /etc/systemd/network/50-dhcp.network <<'EOS'
[Match]
Name=en* eth*
[Network]
DHCP=ipv4
EOS
ln -sf /lib/systemd/system/systemd-networkd.service /etc/systemd/system/multi-user.target.wants/systemd-networkd.service
# The kernel's own messages would scribble over the login screen the tests read.
echo 'kernel.printk = 3 4 1 3' > /etc/sysctl.d/10-quiet-console.conf
apt-get clean
rm -rf /var/lib/apt/lists/*
`;

const RECIPE_VERSION = 1;

const recipeHash = () =>
  createHash('sha256')
    .update(JSON.stringify({ PACKAGES, CUSTOMIZE, RECIPE_VERSION }))
    .digest('hex')
    .slice(0, 10);

export interface VmImage {
  /** The root filesystem tree (the per-VM disk is made from it with `mkfs.ext4 -d`). */
  root: string;
  kernel: string;
  initrd: string;
}

export const vmImageDir = () => join(LAB_CACHE, 'vm', `bookworm-${recipeHash()}`);
const stamp = (dir: string) => `${dir}.complete`;

function paths(dir: string): VmImage {
  return { root: join(dir, 'root'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img') };
}

export const vmImageReady = () => existsSync(stamp(vmImageDir()));

/** Builds (once, cached outside the repo) the Debian tree, kernel and initramfs the lab VMs boot. */
export async function ensureVmImage(log: (line: string) => void = () => {}): Promise<VmImage> {
  const dir = vmImageDir();
  if (vmImageReady()) return paths(dir);
  await mkdir(join(LAB_CACHE, 'vm'), { recursive: true });
  return withLock(`${dir}.lock`, 30 * 60_000, async () => {
    if (vmImageReady()) return paths(dir);
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    log(`lab: building the VM image with debootstrap (once; cached in ${dir})`);
    const root = join(tmp, 'root');
    await runChecked(
      'debootstrap',
      ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', root, MIRROR],
      { timeoutMs: 25 * 60_000 },
    );
    await runChecked('chroot', [root, '/bin/sh', '-c', CUSTOMIZE]);
    const boot = await readdir(join(root, 'boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`no kernel/initramfs in the VM image: ${boot.join(' ')}`);
    await copyFile(join(root, 'boot', kernel), join(tmp, 'vmlinuz'));
    await copyFile(join(root, 'boot', initrd), join(tmp, 'initrd.img'));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(stamp(dir), `${new Date().toISOString()}\n`);
    return paths(dir);
  });
}

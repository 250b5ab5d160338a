import { LabServer, type CreateOptions } from './server.js';

/** Where the lab's rescue system has the server's disk (a vendor rescue image leaves it to the user). */
export const LAB_RESCUE_DISK = '/mnt/vda';

/**
 * Where the lab's Finnix has it: the name Linode's rescue call gives the first disk. A real Finnix
 * sees a block device there, which the rescue mounts; the lab's server has no filesystem image to
 * attach, only the overlay it boots from, so that directory is bound at /dev/sda instead: the rescue
 * takes a directory named by the vendor as the root itself. The mount script's block-device branch
 * (mount at /mnt/vps-rescue, unmounted at the end) is therefore not run in the lab.
 */
export const LAB_FINNIX_DISK = '/dev/sda';

/**
 * What makes the lab's rescue OS a Finnix: no password and no SSH (sshd stays off, as Finnix leaves
 * it), and root logged in on the serial console by getty itself, so a root shell waits there.
 */
const FINNIX: Pick<CreateOptions, 'hostname' | 'rootPassword' | 'files' | 'commands' | 'consoleReady'> = {
  hostname: 'finnix',
  rootPassword: null,
  files: [
    {
      path: '/etc/systemd/system/console-getty.service.d/autologin.conf',
      content:
        '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud - 115200,38400,9600 $TERM\n',
      mode: 0o644,
    },
  ],
  commands: ['systemctl mask ssh.service ssh.socket'],
  consoleReady: /login: root \(automatic login\)/,
};

/**
 * What a vendor does to a server for its rescue system, done to a lab server: stop it, boot a
 * rescue OS on its address with its disk attached, and back. The simulator's Hetzner reset calls it.
 */
export interface RescueSystemDriver {
  /** Whether the rescue OS runs in place of the server. */
  readonly inRescue: boolean;
  /** Hard reset into the rescue OS, root's password set to `rootPassword`. */
  enter(rootPassword: string): Promise<void>;
  /** Hard reset from the rescue OS back into the server's own system. */
  leave(): Promise<void>;
  /** Hard reset of the server's own system. */
  reset(): Promise<void>;
  /** Removes the rescue OS, if one runs (the caller destroys the server itself). */
  close(): Promise<void>;
  /** The rescue OS's console while it runs (Linode's Lish leads there during rescue). */
  readonly consoleSocket?: string;
}

/** The lab's driver also shows the rescue OS itself (its back door), for tests. */
export interface LabRescueSystem extends RescueSystemDriver {
  readonly os: LabServer | undefined;
}

/** A lab server as the simulator lists it, with `driver` behind its vendor's rescue call. */
export function withRescueSystem(server: LabServer, driver: RescueSystemDriver) {
  return {
    name: server.name,
    address: server.address,
    consoleSocket: server.consoleSocket,
    rescueSystem: driver,
  };
}

/**
 * The lab's rescue system for `server`: a second lab server from the plain image, on the server's
 * loopback address (the server is stopped meanwhile, its overlay kept), with the server's root
 * filesystem (the same overlay layers) mounted read-write at /mnt/vda. Root logs in with a password
 * over SSH, as in a vendor's rescue image. `os: 'finnix'`: Linode's instead (see FINNIX), the disk
 * at /dev/sda.
 */
export function labRescueSystem(
  server: LabServer,
  opts: {
    waitForSshd?: boolean;
    log?: (line: string) => void;
    /** 'finnix': Linode's rescue OS, a root shell on its console and no SSH (see FINNIX). */
    os?: 'ssh' | 'finnix';
  } = {},
): LabRescueSystem {
  // A vendor's reset is done when the machine boots, whether or not its sshd then starts.
  const booted = { waitForSshd: opts.waitForSshd ?? false };
  let rescue: LabServer | undefined;
  return {
    get os() {
      return rescue;
    },
    get inRescue() {
      return rescue !== undefined;
    },
    get consoleSocket() {
      return rescue?.consoleSocket;
    },
    async enter(rootPassword: string) {
      if (rescue) return;
      await server.stop();
      const os: CreateOptions =
        opts.os === 'finnix'
          ? { ...FINNIX, waitForSshd: false, disk: { layers: server.layers, at: LAB_FINNIX_DISK } }
          : {
              hostname: 'rescue',
              rootPassword,
              disk: { layers: server.layers, at: LAB_RESCUE_DISK },
              files: [
                {
                  path: '/etc/ssh/sshd_config.d/00-rescue.conf',
                  content: 'PermitRootLogin yes\nPasswordAuthentication yes\n',
                  mode: 0o644,
                },
              ],
            };
      const created = LabServer.create({ ...os, address: server.address, log: opts.log });
      // A rescue OS that does not come up leaves the server as it was: running its own system.
      rescue = await created.catch(async (err: unknown) => {
        await server.start(booted);
        throw err;
      });
    },
    async leave() {
      if (!rescue) return;
      await rescue.destroy();
      rescue = undefined;
      await server.start(booted);
    },
    async reset() {
      if (rescue) return this.leave();
      await server.stop();
      await server.start(booted);
    },
    async close() {
      await rescue?.destroy();
      rescue = undefined;
    },
  };
}

import { LabServer } from './server.js';

/** Where the lab's rescue system has the server's disk (a vendor rescue image leaves it to the user). */
export const LAB_RESCUE_DISK = '/mnt/vda';

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
}

/** The lab's driver also shows the rescue OS itself (its back door), for tests. */
export interface LabRescueSystem extends RescueSystemDriver {
  readonly os: LabServer | undefined;
}

/**
 * The lab's rescue system for `server`: a second lab server from the plain image, on the server's
 * loopback address (the server is stopped meanwhile, its overlay kept), with the server's root
 * filesystem (the same overlay layers) mounted read-write at /mnt/vda. Root logs in with a password
 * over SSH, as in a vendor's rescue image.
 */
export function labRescueSystem(
  server: LabServer,
  opts: { waitForSshd?: boolean; log?: (line: string) => void } = {},
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
    async enter(rootPassword: string) {
      if (rescue) return;
      await server.stop();
      const created = LabServer.create({
        hostname: 'rescue',
        rootPassword,
        address: server.address,
        disk: { layers: server.layers, at: LAB_RESCUE_DISK },
        files: [
          {
            path: '/etc/ssh/sshd_config.d/00-rescue.conf',
            content: 'PermitRootLogin yes\nPasswordAuthentication yes\n',
            mode: 0o644,
          },
        ],
        log: opts.log,
      });
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

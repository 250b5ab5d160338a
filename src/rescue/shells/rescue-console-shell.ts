import type { ConsoleEndpoint } from '../../console/endpoint.js';
import { ConsoleSession } from '../../console/session.js';
import { Transcript } from '../../console/transcript.js';
import type { ByteTransport } from '../../console/transport/types.js';
import { RescueError } from '../../errors/rescue-error.js';
import { mask } from '../../secrets.js';
import { consoleShell } from '../server-io.js';
import type { ServerShell } from '../server-shell.js';
import { mountedRoot, mountScript, unmountScript, type MountedRoot } from './rescue-system-shell.js';
import { shQuote } from './run-command-shell.js';

export interface RescueConsoleShellOptions {
  /** The rescue system's console (Linode: Lish while the Linode runs Finnix). */
  console: ConsoleEndpoint | (() => Promise<ByteTransport>);
  /** The server's disks as the vendor names them in the rescue system (devices or directories). */
  disks?: string[];
  /** For the report, e.g. "rescue system (linode), its console". */
  via: string;
  transcript?: Transcript | string;
  /** How long the rescue system may take to show its shell on the console (default 120 s). */
  shellTimeoutMs?: number;
  /**
   * Brings the server back on its own system (the vendor's exit from rescue); run by close(), after
   * the chroot is left and the disk unmounted, whatever those did. When the shell cannot be opened it
   * is not called: the caller leaves the rescue system itself.
   */
  leave: () => Promise<void>;
}

/** Where the mount script's work file goes in the rescue system (its own RAM disk, not the server's). */
const MOUNT_SCRIPT_DIR = '/tmp';

/**
 * A root shell on the server's disk from a rescue system that has no SSH, only a root shell on its
 * console (Finnix on Linode): the console's shell is adopted (uid 0, no login, no password typed),
 * the disk is found and mounted there, and an interactive `chroot <root> /bin/sh` is entered and set
 * up like any console shell, so every command and script runs as on a console login, inside the
 * server's root filesystem. Offline: the server's own sshd is not running. close() leaves the chroot,
 * unmounts, and leaves the rescue system (the vendor's reboot), in that order, each even if the one
 * before it failed.
 */
export async function rescueConsoleShell(o: RescueConsoleShellOptions): Promise<ServerShell> {
  const transcript = o.transcript instanceof Transcript ? o.transcript : new Transcript(o.transcript);
  const session = await ConsoleSession.open(o.console, { transcript });
  let root: MountedRoot | undefined;
  try {
    await session.adoptRootShell({ timeoutMs: o.shellTimeoutMs ?? 120_000 });
    root = await mountDisk(session, o.disks ?? []);
    // No ENV: an interactive sh would source the file it names. No PS2: a shell without a line
    // editor (dash) prints it after the echo of every typed-ahead here-document line, in front of
    // the script's output.
    await session.enterShell(
      `ENV= PS2= chroot ${shQuote(root.dir)} /bin/sh -i`,
      'the chroot into the server',
    );
  } catch (err) {
    // Not opened: what was mounted is undone (best effort), the rescue system's shell stays as found,
    // and the caller, which still holds the rescue system, leaves it.
    if (root) {
      // A chroot shell that started but failed its setup is left first: the unmount runs outside.
      await session.leaveShell().catch(() => undefined);
      await unmount(session, root).catch(() => undefined);
    }
    await session.close().catch(() => undefined);
    throw err;
  }
  const mounted = root;
  transcript.note(`rescue system console: the server's disk at ${mounted.dir}, chrooted`);
  const inside = consoleShell(session, o.via);
  let closed: Promise<void> | undefined;
  const close = async () => {
    transcript.note(`leaving the chroot, unmounting ${mounted.dir}, leaving the rescue system`);
    try {
      await session.leaveShell();
      await unmount(session, mounted);
    } catch (err) {
      transcript.note(`the disk may still be mounted in the rescue system: ${mask((err as Error).message)}`);
    } finally {
      await session.close().catch(() => undefined);
      // Whatever happened above, the server must not stay in rescue mode.
      await o.leave();
      transcript.note('closed');
      transcript.flush();
    }
  };
  return {
    via: inside.via,
    offline: true,
    run: inside.run,
    runScript: inside.runScript,
    get counters() {
      return session.counters;
    },
    close: () => (closed ??= close()),
  };
}

/** mountScript run in the rescue system's own shell: where the server's root is, and what it bound there. */
async function mountDisk(session: ConsoleSession, disks: string[]): Promise<MountedRoot> {
  const found = await session.runScript({
    path: `${MOUNT_SCRIPT_DIR}/vr-mount-${process.pid}.sh`,
    data: mountScript(disks),
    after: `rm -f ${MOUNT_SCRIPT_DIR}/vr-mount-${process.pid}.sh*`,
    timeoutMs: 60_000,
  });
  return mountedRoot(found.stdout, found.exitCode);
}

/** unmountScript in the rescue system's own shell (after the chroot was left). */
async function unmount(session: ConsoleSession, root: MountedRoot): Promise<void> {
  const r = await session.runScript({
    path: `${MOUNT_SCRIPT_DIR}/vr-umount-${process.pid}.sh`,
    data: `${unmountScript(root.dir, root.own, root.inside)}\n${stillMounted(root)}\n`,
    after: `rm -f ${MOUNT_SCRIPT_DIR}/vr-umount-${process.pid}.sh*`,
    timeoutMs: 60_000,
  });
  if (r.exitCode !== 0) {
    throw new RescueError('rescue.failed', { step: 'unmount', reason: `${root.dir} is still mounted` });
  }
}

/** sh that fails when anything unmountScript should have unmounted is still a mount point. */
function stillMounted(root: MountedRoot): string {
  const points = [...root.inside.map((f) => `${root.dir}/${f}`), ...(root.own ? [root.dir] : [])];
  return `for m in ${points.map(shQuote).join(' ') || "''"}; do [ -z "$m" ]||! mountpoint -q "$m"||exit 1; done`;
}

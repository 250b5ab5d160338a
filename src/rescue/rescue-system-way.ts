import type { ProviderAdapter, RescueAccess, ServerRef } from '../../providers/types.js';
import { isRescueError, RescueError } from '../errors/rescue-error.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { ServerShell } from './server-shell.js';
import { rescueConsoleShell } from './shells/rescue-console-shell.js';
import { rescueSystemShell, waitForSshBanner } from './shells/rescue-system-shell.js';
import { mask } from '../secrets.js';
import type { ChooseOptions } from './way-in.js';

/** How long the server may take to boot its own system again before the verification is tried anyway. */
const BACK_TIMEOUT_MS = 180_000;

/** The vendor's name for a disk in the rescue system, as a path there (sda → /dev/sda). */
function diskPaths(access: RescueAccess): string[] {
  return Object.keys(access.disks ?? {}).map((d) => (d.startsWith('/') ? d : `/dev/${d}`));
}

/**
 * The rescue system as a way in: the server is reset into the vendor's rescue system, the rescue
 * works on its disk over SSH, or on the rescue system's console where it offers a root shell there
 * and no SSH (Finnix on Linode), chrooted either way; and leaving (the shell's close, or any failure
 * on the way in) disables rescue mode and resets the server into its own system. A failure to leave
 * is said on the progress line and is rescue.still-in-rescue: the server must not stay in rescue
 * mode unnoticed.
 */
export async function rescueSystemWay(
  adapter: ProviderAdapter,
  server: ServerRef,
  o: ChooseOptions,
): Promise<ServerShell> {
  const rescueBoot = adapter.rescueBoot?.bind(adapter);
  const exitRescue = adapter.exitRescue?.bind(adapter);
  if (!rescueBoot || !exitRescue)
    throw new RescueError('internal', { message: `${adapter.id} has no rescueBoot/exitRescue` });
  const say = (key: MessageKey, params: Record<string, string | number> = {}) =>
    o.progress('way-in', t(o.lang, key, { server: server.name, provider: adapter.id, ...params }));
  let access: RescueAccess | undefined;

  /** `back`: wait for the server's own sshd (after the work; a failed way in goes on at once). */
  const leave = async (back = true) => {
    say('providers.way-in.rescue-leaving');
    try {
      await exitRescue(server);
    } catch (err) {
      const reason = isRescueError(err)
        ? mask(t(o.lang, `error.${err.code}` as MessageKey, err.params))
        : mask((err as Error).message);
      const stuck = new RescueError(
        'rescue.still-in-rescue',
        { server: server.name, provider: adapter.id, reason },
        { cause: err },
      );
      o.progress('way-in', mask(t(o.lang, 'error.rescue.still-in-rescue', stuck.params)));
      throw stuck;
    }
    const host = access?.ssh?.host ?? server.addresses.ipv4[0];
    if (!host || !back) return;
    const port = access?.ssh?.port ?? 22;
    if (await waitForSshBanner(host, port, BACK_TIMEOUT_MS)) say('providers.way-in.rescue-back');
    else say('providers.way-in.rescue-no-answer', { seconds: BACK_TIMEOUT_MS / 1000 });
  };

  say('providers.way-in.rescue-rebooting');
  try {
    access = await rescueBoot(server);
    if (!access.ssh && access.console) {
      // No SSH, a root shell on its console instead (Finnix through Lish): the rescue runs there.
      return await rescueConsoleShell({
        console: access.console,
        disks: diskPaths(access),
        via: t(o.lang, 'providers.way-in.via-rescue-console', { provider: adapter.id }),
        transcript: o.transcriptPath,
        leave: () => leave(),
      });
    }
    if (!access.ssh) {
      throw new RescueError('provider.precondition', {
        provider: adapter.id,
        operation: 'boot a rescue system',
        reason: t(o.lang, 'providers.way-in.rescue-no-ssh'),
      });
    }
    return await rescueSystemShell({
      ssh: access.ssh,
      disks: diskPaths(access),
      via: t(o.lang, 'providers.way-in.via-rescue', { provider: adapter.id }),
      transcript: o.transcriptPath,
      timeoutMs: o.timeoutMs,
      leave: () => leave(),
    });
  } catch (err) {
    // Enabled (or even booted) but not usable: the server goes back to its own system first; if
    // that fails, that is what the user must hear about (rescue.still-in-rescue).
    await leave(false);
    throw err;
  }
}

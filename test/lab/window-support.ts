import { labRescueOptions, type LabServer } from '../../lab/index.js';
import { rescue } from '../../src/rescue/run.js';
import type { RescueOptions } from '../../src/rescue/types.js';
import { withServerShell } from '../../src/rescue/window-admin.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A password window for `user` opened by a real console rescue. */
export function openWindow(
  server: LabServer,
  user: string,
  password: string,
  o: Partial<RescueOptions> = {},
) {
  return rescue(labRescueOptions(server, { action: 'enable-password', user, userPassword: password, ...o }));
}

/**
 * Polls until sshd refuses the user's password (a timeout or reset under load is not a refusal), or
 * gives up after `ms`.
 */
export async function refusedWithin(server: LabServer, user: string, password: string, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await server.sshLogin({ user, password })).refused) return true;
    await sleep(1000);
  }
  return false;
}

/** Staff's root shell on the lab server's console, as `vps-rescue window … --console unix:…` gets it. */
export function staffShell<T>(server: LabServer, work: Parameters<typeof withServerShell<T>>[1]) {
  const o = labRescueOptions(server);
  return withServerShell(
    {
      host: o.host,
      console: o.console,
      consoleUser: o.consoleUser,
      consolePassword: o.consolePassword,
      lang: 'en',
    },
    work,
  );
}

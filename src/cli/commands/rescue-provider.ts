import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { loadProvider, planAccess } from '../../../providers/index.js';
import type { ConsoleEndpoint } from '../../console/endpoint.js';
import { RescueError } from '../../errors/rescue-error.js';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';

/**
 * `--provider X --host Y`: find the server through the vendor API and open the best console it offers.
 * The order (serial console, run-command, rescue system, VNC) comes from the adapter's capabilities;
 * this version drives the serial console, and says so when the vendor offers only other ways in.
 */
export async function consoleFromProvider(
  providerId: string,
  host: string,
  ctx: CliContext,
  endpoint: string | undefined,
  progress: (step: string, detail?: string) => void,
): Promise<{ endpoint: ConsoleEndpoint; offers: string[] }> {
  const adapter = await loadProvider(providerId, {
    env: ctx.env,
    endpoint,
    lang: ctx.lang,
    readTextFile: (path) => readFile(path, 'utf8').catch(() => undefined),
  });
  const server = await adapter.findServer(isIP(host) ? { ip: host } : { name: host });
  progress('find-server', `${server.name} (${server.id}, ${server.status})`);
  const steps = planAccess(adapter.capabilities);
  const offers = steps.map((s) => s.path);
  const serial = steps.find((s) => s.path === 'serial-console');
  if (!serial) {
    throw new RescueError('rescue.no-way-in', {
      server: server.name,
      reason: 'this version rescues through a serial console, which the vendor does not offer',
      offers: offers.join(', ') || 'none',
    });
  }
  const opened = await adapter.openConsole(server, 'serial');
  progress('open-console', t(ctx.lang, serial.reason));
  return { endpoint: opened, offers };
}

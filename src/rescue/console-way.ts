import { planAccess, type AccessPath } from '../../providers/plan.js';
import type { ProviderAdapter, ServerRef } from '../../providers/types.js';
import type { ConsoleEndpoint } from '../console/endpoint.js';
import { isRescueError, RescueError } from '../errors/rescue-error.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import { mask } from '../secrets.js';

/** Errors after which another console would fail the same way (credentials, quota, lookup). */
const FATAL = new Set(['auth.failed', 'provider.rate-limited', 'provider.not-found', 'provider.ambiguous']);

export interface OpenedConsole {
  path: Extract<AccessPath, 'serial-console' | 'vnc-console'>;
  endpoint: ConsoleEndpoint;
}

/**
 * A person's console on the server, chosen as the rescue chooses: the serial console first (plain
 * text both ways), the VNC console after it (keys typed, the screen read as text). Only consoles: the
 * guest agent and the rescue system are no place for a person to watch or type.
 */
export async function openProviderConsole(
  adapter: ProviderAdapter,
  server: ServerRef,
  o: { lang: Lang; progress: (step: string, detail?: string) => void },
): Promise<OpenedConsole> {
  const pathName = (path: AccessPath) => t(o.lang, `providers.path.${path}` as MessageKey);
  const skipped: string[] = [];
  const consoles = planAccess(adapter.capabilities).filter(
    (s): s is typeof s & { path: OpenedConsole['path'] } =>
      s.path === 'serial-console' || s.path === 'vnc-console',
  );
  for (const step of consoles) {
    try {
      const endpoint = await adapter.openConsole(server, step.path === 'serial-console' ? 'serial' : 'vnc');
      o.progress(
        'way-in',
        t(o.lang, 'providers.way-in.chosen', { path: pathName(step.path), reason: t(o.lang, step.reason) }),
      );
      return { path: step.path, endpoint };
    } catch (err) {
      if (!isRescueError(err) || FATAL.has(err.code)) throw err;
      const reason = mask(t(o.lang, `error.${err.code}` as MessageKey, err.params));
      skipped.push(`${pathName(step.path)}: ${reason}`);
      o.progress('way-in', t(o.lang, 'providers.way-in.skipped', { path: pathName(step.path), reason }));
    }
  }
  throw new RescueError('rescue.no-way-in', {
    server: server.name,
    reason: skipped.join('; ') || t(o.lang, 'console.provider-no-console', { provider: adapter.id }),
    offers:
      planAccess(adapter.capabilities)
        .map((s) => pathName(s.path))
        .join(', ') || t(o.lang, 'rescue.offers.none'),
  });
}

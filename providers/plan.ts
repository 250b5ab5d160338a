import type { MessageKey } from '../src/i18n/index.js';
import type { Capability } from './types.js';

/**
 * The order in which the rescue tries ways into a server. Serial first: text in, text out, and the
 * full diagnosis works. Then an agent command channel (no login needed, but no interactive shell).
 * Then a rescue system (reboots the server, so it comes after anything that does not). VNC last:
 * it needs keystroke typing and screen reading.
 */
export type AccessPath = 'serial-console' | 'run-command' | 'rescue-system' | 'vnc-console';

export interface AccessStep {
  path: AccessPath;
  capability: Capability;
  /** Message key explaining why this step sits where it does (for the report). */
  reason: MessageKey;
}

const ORDER: readonly AccessStep[] = [
  { path: 'serial-console', capability: 'serialConsole', reason: 'providers.plan.serial' },
  { path: 'run-command', capability: 'runCommand', reason: 'providers.plan.run-command' },
  { path: 'rescue-system', capability: 'rescueBoot', reason: 'providers.plan.rescue' },
  { path: 'vnc-console', capability: 'vncConsole', reason: 'providers.plan.vnc' },
];

/** The ways in that `capabilities` allow, best first; empty when the vendor offers none. */
export function planAccess(capabilities: readonly Capability[]): AccessStep[] {
  return ORDER.filter((step) => capabilities.includes(step.capability)).map((step) => ({ ...step }));
}

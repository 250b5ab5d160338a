import type { RescueOptions } from '../src/rescue/types.js';
import { PASSWORDS } from './scenarios/builder.js';
import type { LabServer } from './server.js';

/**
 * The options a support engineer would give for a lab server: its console socket, its address for
 * the outside check, root's console password and alice as the user to rescue. Tests and benchmarks
 * override what they vary.
 */
export function labRescueOptions(server: LabServer, overrides: Partial<RescueOptions> = {}): RescueOptions {
  return {
    console: { kind: 'local', url: `unix:${server.consoleSocket}` },
    host: server.address,
    consoleUser: 'root',
    consolePassword: PASSWORDS.root,
    user: 'alice',
    userPassword: PASSWORDS.alice,
    action: 'auto',
    windowMinutes: 60,
    lang: 'en',
    ...overrides,
  };
}

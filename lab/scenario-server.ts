import { generateKeyPair, toRfc4716, type KeyPair } from './keys.js';
import type { Suite } from './image.js';
import { LabServer } from './server.js';
import { scenarioById } from './scenarios/catalog.js';
import type { Scenario } from './scenarios/types.js';

export interface BootedScenario {
  scenario: Scenario;
  server: LabServer;
  /** The owner's key pair (private half stays on the host: it is the customer's laptop). */
  key: KeyPair;
}

/** Boots a fresh server locked out as the scenario describes. */
export async function bootScenario(
  scenarioOrId: Scenario | string,
  opts: { suite?: Suite; log?: (line: string) => void } = {},
): Promise<BootedScenario> {
  const scenario = typeof scenarioOrId === 'string' ? scenarioById(scenarioOrId) : scenarioOrId;
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = scenario.build({ key, rfc4716: await toRfc4716(key) });
  const server = await LabServer.create({
    ...spec,
    suite: opts.suite ?? spec.suite,
    waitForSshd: scenario.expect.sshd === 'up',
    log: opts.log,
  });
  if (scenario.expect.sshd === 'down') await waitForSshdFailed(server);
  return { scenario, server, key };
}

/** systemd gives up on a crashing sshd after a few restarts; wait for that final state. */
async function waitForSshdFailed(server: LabServer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await server.exec('systemctl show -p ActiveState --value ssh.service')).stdout.trim();
    if (state === 'failed') return;
    if (Date.now() > deadline) throw new Error(`sshd expected down, but ssh.service is ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export type ConsoleLoginResult = 'shell' | 'incorrect';

/**
 * A person at the console: type the user name at `login:`, the password at `Password:`, and see
 * whether a shell prompt or "Login incorrect" follows. (The product's console engine is elsewhere;
 * this is the lab's own check.)
 */
export async function consoleLogin(
  server: LabServer,
  user: string,
  password: string,
): Promise<ConsoleLoginResult> {
  const start = server.console.length;
  server.console.write('\r');
  await server.console.waitFor(/login: $/m, 15_000, start);
  const afterPrompt = server.console.length;
  server.console.write(`${user}\r`);
  await server.console.waitFor(/Password: ?$/m, 15_000, afterPrompt);
  const afterPassword = server.console.length;
  server.console.write(`${password}\r`);
  const match = await server.console.waitFor(/(Login incorrect)|([#$] $)/m, 30_000, afterPassword);
  if (match[1]) return 'incorrect';
  server.console.write('exit\r');
  await server.console.waitFor(/login: $/m, 15_000, afterPassword);
  return 'shell';
}

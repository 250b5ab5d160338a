import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getProvider } from '../providers/index.js';
import { labRescueSystem, withRescueSystem } from './rescue-system.js';
import { PASSWORDS } from './scenarios/builder.js';
import { bootScenario } from './scenario-server.js';
import { LAB_STATE } from './paths.js';
import {
  isSimulated,
  SIMULATED_PROVIDERS,
  startSimulator,
  type SimulatedProvider,
} from './simulator/index.js';
import type { Suite } from './image.js';

const REPO = new URL('..', import.meta.url).pathname;
/** One directory per running `lab up` (named by its pid): its state file and its `vps-rescue` on PATH. */
export const upDir = (pid = process.pid) => join(LAB_STATE, 'up', String(pid));

export interface UpOptions {
  scenario: string;
  provider: string;
  suite?: Suite;
  print: (line: string) => void;
}

/**
 * Simulated providers whose way in works on a lab server: a serial console (or the guest agent). A
 * lab server is a container with a console socket, so it has no VNC screen and no rescue system to
 * boot: Hetzner (VNC console, rescue system) needs the lab VM instead.
 */
export function upProviders(): SimulatedProvider[] {
  return SIMULATED_PROVIDERS.filter((id) => {
    const capabilities = getProvider(id).capabilities;
    return capabilities.includes('serialConsole') || capabilities.includes('runCommand');
  });
}

/** Single-quoted for sh: the printed lines are pasted into a shell as they are. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `npm run lab -- up <scenario> --provider X`: a locked-out server with the provider simulator in
 * front of it, the `export …` lines a user pastes and the exact `vps-rescue` command to try; runs
 * until Ctrl-C, SIGTERM or `npm run lab -- down`, then takes everything down again.
 */
export async function labUp(opts: UpOptions): Promise<number> {
  const usable = upProviders();
  if (!isSimulated(opts.provider) || !usable.includes(opts.provider)) {
    throw new Error(
      `lab up cannot put ${opts.provider} in front of a lab server; it can: ${usable.join(', ')}` +
        (isSimulated(opts.provider)
          ? ` (${opts.provider} offers no serial console, and a lab server has no VNC screen or rescue system)`
          : ''),
    );
  }
  const provider: SimulatedProvider = opts.provider;
  const stop = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(signal, () => resolve(signal));
  });
  const dir = upDir();
  await mkdir(join(dir, 'bin'), { recursive: true, mode: 0o700 });
  const { server, scenario, key } = await bootScenario(opts.scenario, { suite: opts.suite, log: opts.print });
  // A rescue system reached on the console (Linode's Finnix, through Lish) works on a lab server too:
  // a second one on the same address.
  const simulation = getProvider(provider).simulator;
  const finnix =
    simulation.simulated && simulation.rescueSystem === 'console-shell'
      ? labRescueSystem(server, { os: 'finnix' })
      : undefined;
  const registration = finnix ? withRescueSystem(server, finnix) : server;
  const sim = await startSimulator({ servers: [registration] }).catch(async (err: unknown) => {
    await server.destroy();
    throw err;
  });
  try {
    const shim = join(dir, 'bin', 'vps-rescue');
    await writeFile(
      shim,
      `#!/bin/sh\nexec ${sq(join(REPO, 'node_modules/.bin/tsx'))} ${sq(join(REPO, 'lab/vps-rescue.ts'))} "$@"\n`,
    );
    await chmod(shim, 0o755);
    await writeFile(
      join(dir, 'up.json'),
      JSON.stringify({ pid: process.pid, server: server.name, provider }),
    );
    const user = scenario.loginUser;
    const userPassword = (PASSWORDS as Record<string, string>)[user];
    const exports: Record<string, string> = {
      ...sim.env(provider),
      // The console logs in on the server itself: the password is that of the server's own account.
      VPS_RESCUE_CONSOLE_PASSWORD: scenario.consoleUser.password,
      ...(userPassword ? { VPS_RESCUE_USER_PASSWORD: userPassword } : {}),
    };
    const command = [
      'vps-rescue',
      `--provider ${provider}`,
      `--endpoint ${sim.endpoint(provider)}`,
      `--host ${server.address}`,
      `--user ${user}`,
      ...(scenario.consoleUser.name === 'root' ? [] : [`--console-user ${scenario.consoleUser.name}`]),
      '--password-env VPS_RESCUE_CONSOLE_PASSWORD',
      ...(userPassword ? ['--user-password-env VPS_RESCUE_USER_PASSWORD'] : []),
    ].join(' ');
    opts.print('');
    opts.print(`# ${scenario.title}: ${scenario.story}`);
    opts.print(
      `# ${provider} (simulated on loopback) in front of ${server.address} (lab server ${server.name}, lab up pid ${process.pid}). In another terminal:`,
    );
    for (const [name, value] of Object.entries(exports)) opts.print(`export ${name}=${sq(value)}`);
    // vps-rescue from this working tree's sources.
    opts.print(`export PATH="${join(dir, 'bin')}:$PATH"`);
    opts.print(command);
    opts.print('');
    // Without the customer's key the rescue puts a misplaced key right: this is the customer's side of it.
    opts.print(`# then, as the customer: ssh -i ${key.privateKeyPath} ${user}@${server.address}`);
    if (finnix)
      opts.print(
        '# without --password-env, the server is rebooted into its rescue system and rescued there, on its console',
      );
    opts.print('# Ctrl-C here, or `npm run lab -- down`, takes the server and the simulator down.');
    const signal = await stop;
    opts.print(`lab: ${signal}: taking down ${server.name}`);
    return 0;
  } finally {
    await sim.close();
    await finnix?.close();
    await server.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run lab -- down [pid…]`: asks every running `lab up` (or those named) to take its server down,
 * and waits for it.
 */
export async function labDown(
  print: (line: string) => void,
  only: readonly number[] = [],
  timeoutMs = 60_000,
): Promise<number> {
  const pids: number[] = [];
  for (const name of safeReaddir(join(LAB_STATE, 'up'))) {
    const pid = Number(name);
    if (only.length > 0 && !only.includes(pid)) continue;
    try {
      const state = JSON.parse(readFileSync(join(upDir(pid), 'up.json'), 'utf8')) as { server: string };
      process.kill(pid, 'SIGTERM');
      pids.push(pid);
      print(`lab: taking down ${state.server} (lab up, pid ${pid})`);
    } catch {
      // Not started yet, or its process is gone: nothing to signal; the orphan sweep removes its server.
      if (!alive(pid)) await rm(upDir(pid), { recursive: true, force: true });
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`lab up (pid ${pids.filter(alive).join(', ')}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (pids.length === 0) print('lab: nothing is up');
  return 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

import type { SimulatedProvider, Simulator } from './simulator/index.js';

/** An argument as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line exactly as it runs; secrets only ever as the names of the variables holding them. */
export function commandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(shellWord).join(' ');
}

/** `--provider P --endpoint <the simulator's URL for P> --host H`: a server reached through the simulator. */
export function simulatedProviderArgs(
  sim: Pick<Simulator, 'endpoint'>,
  provider: SimulatedProvider,
  host: string,
): string[] {
  return ['--provider', provider, '--endpoint', sim.endpoint(provider), '--host', host];
}

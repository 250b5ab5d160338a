import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { completionCommand } from './completion.js';
import { consoleCommand } from './console.js';
import { hardenCommand } from './harden.js';
import { preflightCommand } from './preflight.js';
import { providersCommand } from './providers.js';
import { rescueCommand } from './rescue.js';
import { windowCommand } from './window.js';

/**
 * A CLI command: `register` declares its options on yargs, `run` does the work.
 * Commands throw RescueError for known failures; main() turns that into one line and an exit code.
 */
export interface CliCommand {
  command: string | readonly string[];
  describe: (ctx: CliContext) => string;
  builder: (yargs: Argv, ctx: CliContext) => Argv;
  run: (args: Record<string, unknown>, ctx: CliContext) => Promise<number>;
}

export const commands: CliCommand[] = [
  rescueCommand,
  consoleCommand,
  providersCommand,
  windowCommand,
  preflightCommand,
  hardenCommand,
  completionCommand,
];

import type { Argv } from 'yargs';

/** The options `preflight` and `harden` share: where, as whom, how the host key is checked, the plan. */
export function sshOptions(y: Argv): Argv {
  return y
    .option('host', { type: 'string', demandOption: true })
    .option('ssh-port', { type: 'string' })
    .option('user', { type: 'string', demandOption: true })
    .option('identity', { type: 'string' })
    .option('password-env', { type: 'string' })
    .option('password-file', { type: 'string' })
    .option('known-hosts', { type: 'string' })
    .option('host-key', { type: 'string' })
    .option('config', { type: 'string' })
    .option('dropin', { type: 'string' })
    .option('out', { type: 'string', defaultDescription: 'vps-rescue-reports' });
}

import type { ProviderEntry } from '../types.js';
import { gcpHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 *
 * serialConsole: the interactive serial port through Google's SSH gateway (port 9600), logged in
 * with a password user of the guest. runCommand: a startup script and a reset per command, the
 * output read back from the serial port output API; it reboots the instance, so it is declared in
 * `reboots` and taken only when nothing that does not reboot got in (never in a dry run).
 */
export const gcp = {
  id: 'gcp',
  displayName: 'Google Compute Engine',
  capabilities: ['serialConsole', 'runCommand'],
  reboots: ['runCommand'],
  credentialHelp: {
    // The credentials file: GOOGLE_APPLICATION_CREDENTIALS, else gcloud's ADC file; the project from
    // either variable, else the file's own project_id / quota_project_id.
    variables: [['GOOGLE_APPLICATION_CREDENTIALS'], ['CLOUDSDK_CORE_PROJECT'], ['GOOGLE_CLOUD_PROJECT']],
    optional: [
      'CLOUDSDK_CONFIG',
      'GCP_SERIAL_KEY_FILE',
      'GCP_SERIAL_USER',
      'GCP_SERIAL_GATEWAY',
      'GCP_SERIAL_HOST_KEY',
    ],
    endpoint:
      'origin of the Google APIs called: compute, OAuth token, Resource Manager (default https://compute.googleapis.com)',
  },
  hints: gcpHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

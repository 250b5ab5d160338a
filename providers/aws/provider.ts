import type { ProviderEntry } from '../types.js';
import { awsHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 *
 * Ways in: the EC2 serial console (a one-time key pushed with EC2 Instance Connect, then SSH to the
 * region's serial console gateway) and SSM Run Command (AWS-RunShellScript, as root).
 */
export const aws = {
  id: 'aws',
  displayName: 'Amazon EC2',
  capabilities: ['serialConsole', 'runCommand'],
  credentialHelp: {
    // The AWS CLI's default chain: keys in the environment, a named profile, or (with neither set)
    // the default profile, SSO, a credential process, web identity or the instance's role.
    variables: [['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], ['AWS_PROFILE']],
    optional: [
      'AWS_SESSION_TOKEN',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'VPS_RESCUE_AWS_REGIONS',
      'VPS_RESCUE_AWS_SERIAL_ENDPOINT',
      'VPS_RESCUE_AWS_SERIAL_HOST_KEY',
    ],
    endpoint: 'the EC2, SSM and EC2 Instance Connect API endpoint (one URL for all three)',
  },
  hints: awsHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

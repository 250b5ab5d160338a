import type { ProviderEntry } from '../types.js';
import { sakuraCloudHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const sakuraCloud = {
  id: 'sakura-cloud',
  displayName: 'Sakura Cloud',
  capabilities: ['vncConsole'],
  credentialHelp: {
    variables: [['SAKURACLOUD_ACCESS_TOKEN', 'SAKURACLOUD_ACCESS_TOKEN_SECRET']],
    optional: ['SAKURACLOUD_ZONE'],
    endpoint: 'API base URL up to /zone (default https://secure.sakura.ad.jp/cloud/zone)',
  },
  hints: sakuraCloudHints,
  simulator: {
    simulated: false,
    reason:
      "no serial console API, only VNC over plain TCP; the simulator serves VNC over websocket only, not Sakura's " +
      'plain-TCP VNC proxy',
  },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

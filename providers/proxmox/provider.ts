import type { ProviderEntry } from '../types.js';
import { proxmoxHints } from './hints.js';

/**
 * What this provider is and offers, known without loading its adapter: the registry, the README
 * table, `vps-rescue providers` and the adapter itself all read it from here.
 */
export const proxmox = {
  id: 'proxmox',
  displayName: 'Proxmox VE',
  capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
  credentialHelp: {
    variables: [
      ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN'],
      ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_USERNAME', 'PROXMOX_VE_PASSWORD'],
    ],
    optional: ['PROXMOX_VE_INSECURE'],
    endpoint: 'https://<node>:8006 (replaces PROXMOX_VE_ENDPOINT)',
  },
  hints: proxmoxHints,
  simulator: { simulated: true },
  load: () => import('./index.js'),
} satisfies ProviderEntry;

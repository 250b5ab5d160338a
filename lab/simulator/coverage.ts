/**
 * Which registered providers the simulator speaks. The contract: adding a provider means a folder
 * under providers/, its fixtures, and either a simulator route or an entry here saying why not
 * (test/lab/simulator-registry.test.ts checks every registered provider is in one of the two).
 */
export const SIMULATED_PROVIDERS = ['openstack', 'conoha', 'proxmox', 'linode', 'hetzner'] as const;
export type SimulatedProvider = (typeof SIMULATED_PROVIDERS)[number];

export const NOT_SIMULATED: Readonly<Record<string, string>> = {
  'sakura-cloud':
    'no serial console API: VNC over plain TCP and the keyboard API, and the password is set by a disk ' +
    'edit while stopped; the simulator serves VNC over websocket only (Hetzner, Nova, Proxmox), not ' +
    "Sakura's VNC proxy, and has no disk edit",
};

export function isSimulated(id: string): id is SimulatedProvider {
  return (SIMULATED_PROVIDERS as readonly string[]).includes(id);
}

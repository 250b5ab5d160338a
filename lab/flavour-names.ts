import { OPENRC } from './flavour-openrc.js';
import { RHEL } from './flavour-rhel.js';
import { BUSYBOX, type Flavour } from './flavours.js';
import { SOCKET_ACTIVATED } from './flavour-socket.js';

/**
 * The lab's server kinds besides stock Debian: 'busybox' (Alpine-like: busybox init, no systemd, no
 * PAM), 'rhel' (the RHEL family's sshd layout under systemd), 'openrc' (sysvinit + OpenRC, doas),
 * 'socket' (trixie with sshd socket-activated, as on Ubuntu 22.10+).
 */
export type FlavourName = 'debian' | 'busybox' | 'rhel' | 'openrc' | 'socket';

const FLAVOURS: Record<Exclude<FlavourName, 'debian'>, Flavour> = {
  busybox: BUSYBOX,
  rhel: RHEL,
  openrc: OPENRC,
  socket: SOCKET_ACTIVATED,
};

export function flavourByName(name: FlavourName | undefined): Flavour | undefined {
  return name === undefined || name === 'debian' ? undefined : FLAVOURS[name];
}

/** The flavours the no-key truth matrix runs on (busybox has its own rescue tests). */
export const TRUTH_FLAVOURS = ['rhel', 'openrc', 'socket'] as const;
export type TruthFlavour = (typeof TRUTH_FLAVOURS)[number];

/** Flavours asked for with VPS_RESCUE_LAB_FLAVOURS=rhel,openrc,socket (default: none). */
export function labFlavours(env: NodeJS.ProcessEnv = process.env): TruthFlavour[] {
  const asked = (env.VPS_RESCUE_LAB_FLAVOURS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((s) => !(TRUTH_FLAVOURS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown flavour(s) ${unknown.join(', ')}; known: ${TRUTH_FLAVOURS.join(', ')}`);
  return asked as TruthFlavour[];
}

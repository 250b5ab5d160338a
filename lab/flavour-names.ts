import { OPENRC } from './flavour-openrc.js';
import { RHEL } from './flavour-rhel.js';
import { BUSYBOX, type Flavour } from './flavours.js';

/**
 * The lab's server kinds besides stock Debian: 'busybox' (Alpine-like: busybox init, no systemd, no
 * PAM), 'rhel' (the RHEL family's sshd layout under systemd), 'openrc' (sysvinit + OpenRC, doas).
 */
export type FlavourName = 'debian' | 'busybox' | 'rhel' | 'openrc';

const FLAVOURS: Record<Exclude<FlavourName, 'debian'>, Flavour> = {
  busybox: BUSYBOX,
  rhel: RHEL,
  openrc: OPENRC,
};

export function flavourByName(name: FlavourName | undefined): Flavour | undefined {
  return name === undefined || name === 'debian' ? undefined : FLAVOURS[name];
}

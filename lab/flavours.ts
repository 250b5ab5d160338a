import { ensureBusyboxImage } from './busybox-image.js';
import { buildBusyboxSetup } from './busybox-setup.js';
import type { Suite } from './image.js';
import type { SetupPlan } from './setup-script.js';
import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';

/** What a non-Debian lab server does differently; everything else (overlay, nspawn, console) is shared. */
export interface Flavour {
  image: (log?: (line: string) => void) => Promise<string>;
  setup: (spec: ServerSpec, opts: { hostname: string; address: string }) => SetupPlan;
  /** comm of the container's PID 1 */
  init: string;
  /** a systemd machine: its boot is over when systemd says so (default: getty and sshd are enough) */
  systemd?: boolean;
  /** the Debian suite it is built on, when it is one */
  suite?: Suite;
  /** shell condition: sshd listens on the address */
  sshdListening: (address: string) => string;
  /** prints sshd's log lines */
  sshdLog: string;
  reboot: string;
}

/** Alpine-like: busybox init, syslogd to /var/log/messages, sshd started by an init script. */
export const BUSYBOX: Flavour = {
  image: ensureBusyboxImage,
  setup: buildBusyboxSetup,
  init: 'init',
  sshdListening: (address) => `netstat -ltn | grep -qF ${sq(`${address}:22 `)}`,
  sshdLog: 'grep -E "sshd(-session|-auth)?\\[" /var/log/messages 2>/dev/null || true',
  reboot: 'reboot',
};

import type { SelinuxState } from './selinux.js';

/** What the collector saw on the server, parsed; the analyser's only input about the server. */
export interface Collection {
  nonce: string;
  /** version line, e.g. `OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023` */
  version: string;
  os: { id?: string; idLike?: string; versionId?: string };
  /** `sshd -t`: rc 0 ok, 255 parse error, 1 missing file/host keys */
  syntax: { rc: number; output: string[] };
  /** sshd_config and every included file, in the order the collector met them */
  configFiles: ConfigFile[];
  passwd: PasswdEntry[];
  groups: GroupEntry[];
  users: Record<string, UserReport>;
  /** every key file examined, by the path sshd would open */
  keyFiles: Record<string, KeyFileReport>;
  /** the server's public host keys (`type base64`), for pinning the verification logins; empty when unread */
  hostKeys: string[];
  sshdProcesses: number;
  /** systemd unit states: ssh, sshd, ssh.socket, sshd.socket → active/inactive/failed/... */
  units: Record<string, string>;
  /**
   * systemd socket units (ssh.socket, sshd.socket) as `systemctl show` sees them: where systemd
   * listens, and the drop-ins that decide it (a generator's under /run/systemd/generator).
   */
  sockets?: Record<string, SocketUnitReport>;
  listeners: string[];
  firewall: string[];
  sudoRules: string[];
  log: string[];
  /** SELinux mode, key chain labels and ssh_port_t ports, where the server has SELinux */
  selinux?: SelinuxState;
}

export interface SocketUnitReport {
  /** `127.0.0.1:22`, `[::]:2222`, `2222`: one per ListenStream */
  listen: string[];
  dropIns: string[];
}

export interface ConfigFile {
  path: string;
  lines: string[];
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface StatEntry {
  path: string;
  exists: boolean;
  /** permission bits incl. setuid/setgid/sticky */
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  /** hard link count */
  links?: number;
  type?: 'file' | 'directory' | 'symlink' | 'other';
}

export interface ShadowStatus {
  locked: boolean;
  password: 'set' | 'empty' | 'none';
  lastChange?: number;
  maxDays?: number;
  inactiveDays?: number;
  expireDay?: number;
}

export interface UserReport {
  name: string;
  /** `sshd -T -C user=...`: lower-case keyword → values (one per printed line) */
  effective: { rc: number; values: Record<string, string[]>; error?: string };
  shadow?: ShadowStatus;
  shell?: StatEntry;
  /** names in ~/.ssh */
  sshDir?: string[];
  /** AuthorizedKeysFile paths, expanded, in order */
  keyFiles: string[];
}

export interface KeyFileReport {
  path: string;
  /** lstat of the path and each parent up to / */
  chain: StatEntry[];
  realPath?: string;
  realChain?: StatEntry[];
  /** exact lines, when the collector printed the file */
  content?: string[];
  /** BEGIN lines of private key material found in the file (its content was not printed) */
  privateKeyHeaders?: string[];
  /** why the collector did not print the file: more than one hard link, or an owner other than the user or root */
  withheld?: { links: number; uid: number };
}

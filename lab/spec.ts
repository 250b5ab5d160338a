import type { Suite } from './image.js';

export interface UserSpec {
  name: string;
  /** undefined: no password at all (locked, as cloud images ship); a string: that password. */
  password?: string;
  shell?: string;
  groups?: string[];
  /** Create without a home directory. */
  noHome?: boolean;
}

export interface FileSpec {
  path: string;
  /** Omit for a directory. */
  content?: string | Buffer;
  mode?: number;
  /** user or user:group; default root:root */
  owner?: string;
  /** Make a symlink to this target instead of a file. */
  symlinkTo?: string;
}

/** Everything that makes one lab server what it is, applied before its first boot. */
export interface ServerSpec {
  suite?: Suite;
  hostname?: string;
  /** Root's console password; null locks root's password. Default: a password is set. */
  rootPassword?: string | null;
  users?: UserSpec[];
  files?: FileSpec[];
  /** Shell run in the server's root filesystem after users and files exist (chroot, before boot). */
  commands?: string[];
}

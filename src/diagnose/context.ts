import type { PublicKey } from '../keys/authorized-keys.js';
import type { Collection, PasswdEntry, UserReport } from './collection.js';
import type { ConfigLine } from './config-check.js';

/** Everything the individual checks share. */
export interface Ctx {
  c: Collection;
  config: ConfigLine[];
  clientAddress: string;
  /** the port the customer connects to (default: sshd's own Port) */
  sshPort?: number;
  /** the customer's key, already normalised */
  key?: PublicKey;
  /** days since 1970 (shadow's unit) */
  today: number;
  /** Debian/Ubuntu sshd: group write allowed for a user private group */
  debianModes: boolean;
}

export function passwdOf(ctx: Ctx, name: string): PasswdEntry | undefined {
  return ctx.c.passwd.find((p) => p.name === name);
}

/** Primary group and supplementary groups, by name. */
export function groupsOf(ctx: Ctx, name: string): string[] {
  const pw = passwdOf(ctx, name);
  return ctx.c.groups.filter((g) => g.gid === pw?.gid || g.members.includes(name)).map((g) => g.name);
}

/** The effective value (`sshd -T` output) of a keyword for a user, lower-case keyword. */
export function eff(user: UserReport | undefined, keyword: string): string | undefined {
  return user?.effective.values[keyword]?.[0];
}

/** All values of a list keyword (sshd -T prints some space-, some comma-separated). */
export function effAll(user: UserReport | undefined, keyword: string): string[] {
  return (user?.effective.values[keyword] ?? []).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

export function isDebianLike(c: Collection): boolean {
  const ids = `${c.os.id ?? ''} ${c.os.idLike ?? ''} ${c.version}`.toLowerCase();
  return /debian|ubuntu/.test(ids);
}

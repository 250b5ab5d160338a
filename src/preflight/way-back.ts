import type { Collection, ShadowStatus } from '../diagnose/collection.js';
import type { ProviderAdapter, ServerRef } from '../../providers/types.js';
import type { ServerShell } from '../rescue/server-shell.js';
import { isRescueError } from '../errors/rescue-error.js';

/** Groups whose members may become root on the console (Debian sudo, RHEL wheel, Ubuntu's old admin). */
export const ADMIN_GROUPS = ['sudo', 'wheel', 'admin'];

/** Who could log in on the console and become root: root and the members of the admin groups. */
export function consoleCandidates(groupFile: string, max = 6): string[] {
  const names = new Set<string>(['root']);
  for (const line of groupFile.split('\n')) {
    const [name, , , members] = line.split(':');
    if (!name || !ADMIN_GROUPS.includes(name)) continue;
    for (const m of (members ?? '').split(',').map((s) => s.trim()))
      if (/^[a-z_][a-z0-9_-]{0,31}$/.test(m)) names.add(m);
  }
  return [...names].slice(0, max);
}

export type AccountState =
  'ok' | 'no-password' | 'locked' | 'expired' | 'password-expired' | 'no-shell' | 'unknown';

/** Whether a console login with a password works for this account today (from /etc/shadow's fields). */
export function consoleLoginState(c: Collection, name: string, today: number): AccountState {
  const shadow: ShadowStatus | undefined = c.users[name]?.shadow;
  if (!shadow) return 'unknown';
  if (shadow.password !== 'set') return 'no-password';
  if (shadow.locked) return 'locked';
  if (shadow.expireDay !== undefined && today >= shadow.expireDay) return 'expired';
  if (
    shadow.lastChange === 0 ||
    (shadow.lastChange !== undefined &&
      shadow.maxDays !== undefined &&
      today > shadow.lastChange + shadow.maxDays)
  )
    return 'password-expired';
  const entry = c.passwd.find((p) => p.name === name);
  const shell = c.users[name]?.shell;
  if (!entry || /(nologin|false)$/.test(entry.shell) || (shell && !shell.exists)) return 'no-shell';
  return 'ok';
}

export interface ConsoleAccount {
  user: string;
  state: AccountState;
  /** root itself, or a member of an admin group (sudo asks for that same password) */
  becomesRoot: boolean;
}

export function consoleAccounts(c: Collection, users: string[], today: number): ConsoleAccount[] {
  const admins = new Set(c.groups.filter((g) => ADMIN_GROUPS.includes(g.name)).flatMap((g) => g.members));
  return users.map((user) => ({
    user,
    state: consoleLoginState(c, user, today),
    becomesRoot: user === 'root' || admins.has(user),
  }));
}

/** Terminals a console reaches: the serial ports (and a container's /dev/console), or the screen (VNC). */
const SERIAL_TTY = /^(ttyS\d+|hvc\d+|ttyAMA\d+|ttysclp\d+|xvc\d+|console)$/;
const SCREEN_TTY = /^tty\d+$/;

/**
 * sh (as root): every getty running as root, one per line (`G <its stdin> <argv…>`; a stdin that is
 * the system console's device is written /dev/console). Only processes owned by root count: a user
 * can name a process "agetty ttyS0".
 */
export const GETTY_SCRIPT = `c=$(stat -Lc %t:%T /dev/console 2>/dev/null);for p in /proc/[0-9]*;do [ "$(stat -c %u $p 2>/dev/null)" = 0 ]||continue;a=$(tr '\\0' ' ' <$p/cmdline 2>/dev/null);case $a in *getty*)i=$(readlink $p/fd/0);[ -n "$c" ]&&[ "$(stat -Lc %t:%T $p/fd/0 2>/dev/null)" = "$c" ]&&i=/dev/console;echo "G $i $a";;esac;done`;

export interface Gettys {
  serial: string[];
  screen: string[];
}

export function parseGettys(out: string): Gettys {
  const serial = new Set<string>();
  const screen = new Set<string>();
  for (const line of out.split('\n')) {
    if (!line.startsWith('G ')) continue;
    // `G <stdin> <argv…>`: a getty given `-` as its terminal runs on its stdin (a container's console).
    const [stdin = '', ...args] = line.slice(2).trim().split(/\s+/);
    if (!/(^|\/)[a-z]*getty$/.test(args[0] ?? '')) continue;
    for (const arg of args.slice(1).map((a) => (a === '-' ? stdin : a))) {
      const tty = arg.replace(/^\/dev\//, '');
      if (SERIAL_TTY.test(tty)) serial.add(tty);
      else if (SCREEN_TTY.test(tty)) screen.add(tty);
    }
  }
  return { serial: [...serial], screen: [...screen] };
}

export async function findGettys(shell: ServerShell): Promise<Gettys> {
  const r = await shell.run(GETTY_SCRIPT, { timeoutMs: 30_000 });
  return parseGettys(r.stdout);
}

/** What the provider's API says about the way back, with the credentials at hand. */
export interface ProviderWayBack {
  provider: string;
  server?: ServerRef;
  /** Why the server could not be found (localized error code and params). */
  findError?: { code: string; message: string };
  console: { kind: 'serial' | 'vnc'; reachable: boolean; error?: string } | undefined;
  runCommand: boolean;
  rescueSystem: boolean;
}

/**
 * Finds the server through the API and asks for a console URL (serial first, VNC otherwise) — that
 * URL is what a rescue connects to, so having it is the API half of "the console is reachable".
 */
export async function providerWayBack(
  adapter: ProviderAdapter,
  query: { ip: string } | { name: string },
  describe: (err: unknown) => string,
): Promise<ProviderWayBack> {
  const base = {
    provider: adapter.id,
    runCommand: adapter.capabilities.includes('runCommand'),
    rescueSystem: adapter.capabilities.includes('rescueBoot'),
  };
  let server: ServerRef;
  try {
    server = await adapter.findServer(query);
  } catch (err) {
    return {
      ...base,
      console: undefined,
      findError: { code: isRescueError(err) ? err.code : 'internal', message: describe(err) },
    };
  }
  const kind = adapter.capabilities.includes('serialConsole')
    ? 'serial'
    : adapter.capabilities.includes('vncConsole')
      ? 'vnc'
      : undefined;
  if (!kind) return { ...base, server, console: undefined };
  try {
    await adapter.openConsole(server, kind);
    return { ...base, server, console: { kind, reachable: true } };
  } catch (err) {
    return { ...base, server, console: { kind, reachable: false, error: describe(err) } };
  }
}

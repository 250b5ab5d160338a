import type {
  Collection,
  GroupEntry,
  KeyFileReport,
  PasswdEntry,
  ShadowStatus,
  SocketUnitReport,
  StatEntry,
  UserReport,
} from './collection.js';
import { decodeHexDump, dirname, hexDumpText, hexToken, reject, unframe, type Section } from './framing.js';
import { decodeSedL } from './sed-l.js';
import { parseSelinux } from './selinux.js';

export { decodeHexDump } from './framing.js';

/**
 * Parse the collector's output (console noise before BEGIN and after END is ignored). Throws
 * `diagnose.bad-output` when the run of this nonce is missing or cut off, and
 * `diagnose.rejected-output` when anything between BEGIN and END does not fit the framing or the
 * sections the collector writes (unknown, duplicate or misplaced sections, a key file path the
 * configuration does not name): such output may have been forged, so nothing of it is used.
 * `users`, when given, are the only users whose sections may appear.
 */
export function parseCollection(text: string, nonce?: string, users?: string[]): Collection {
  const run = unframe(text, nonce);
  return build(run.nonce, run.sections, users);
}

/** Sections that appear once per run. */
const ONCE = new Set(['V', 't', 'P', 'G', 'Y', 'E', 'D', 'U', 'L', 'W', 'Z', 'J', 'M']);
/** Sections that belong to the key file section before them. */
const OF_KEY_FILE = new Set(['K', 'R', 'C', 'X', 'Q', 'x']);
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const PUBLIC_HOST_KEY = /^((?:ssh|ecdsa|sk)-[a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?: .*)?$/;

interface State {
  c: Collection;
  users?: string[];
  seen: Set<string>;
  /** where the next `x` (hex dump) section belongs: the file section just before it */
  lastContent?: (lines: string[]) => void;
  user?: UserReport;
  keyFile?: KeyFileReport;
  extras: boolean;
}

function build(nonce: string, sections: Section[], users?: string[]): Collection {
  const st: State = {
    c: {
      nonce,
      version: '',
      os: {},
      syntax: { rc: -1, output: [] },
      configFiles: [],
      passwd: [],
      groups: [],
      users: {},
      keyFiles: {},
      hostKeys: [],
      sshdProcesses: 0,
      units: {},
      listeners: [],
      firewall: [],
      sudoRules: [],
      log: [],
    },
    users,
    seen: new Set(),
    extras: false,
  };
  for (const s of sections) {
    if (ONCE.has(s.tag)) {
      if (st.seen.has(s.tag)) reject(`a second ${s.tag} section`);
      st.seen.add(s.tag);
    }
    const content = st.lastContent;
    st.lastContent = undefined;
    if (s.tag === 'x') {
      if (!content) reject('a hex dump that follows no file');
      content(decodeHexDump(s.lines));
    } else if (!serverSection(st.c, s) && !userSection(st, s) && !keyFileSection(st, s))
      reject(`an unknown section ${JSON.stringify(s.tag.slice(0, 8))}`);
    if (!OF_KEY_FILE.has(s.tag)) st.keyFile = undefined;
  }
  for (const tag of ['V', 't', 'P', 'G', 'Y', 'E', 'J']) if (!st.seen.has(tag)) reject(`no ${tag} section`);
  return st.c;
}

/** Sections about the whole server; false for a tag that is not one. */
function serverSection(c: Collection, s: Section): boolean {
  switch (s.tag) {
    case 'V':
      c.version = s.lines.find((l) => /OpenSSH_/.test(l)) ?? '';
      for (const l of s.lines) {
        const m = /^(ID|ID_LIKE|VERSION_ID)="?([^"]*)"?$/.exec(l);
        if (m) c.os[m[1] === 'ID' ? 'id' : m[1] === 'ID_LIKE' ? 'idLike' : 'versionId'] = m[2] ?? '';
      }
      return true;
    case 't':
      c.syntax = { rc: numberArg(s.args[0]), output: s.lines.filter((l) => l !== '') };
      return true;
    case 'P':
      c.passwd = s.lines.map(parsePasswd).filter((e): e is PasswdEntry => e !== undefined);
      return true;
    case 'G':
      c.groups = s.lines.map(parseGroup).filter((e): e is GroupEntry => e !== undefined);
      return true;
    case 'D':
      c.sshdProcesses = s.lines.filter((l) => /comm:sshd$/.test(l)).length;
      return true;
    case 'U':
      parseUnits(c, s.lines);
      return true;
    case 'L':
      c.listeners = s.lines.filter((l) => l.trim() !== '');
      return true;
    case 'W':
      c.firewall = s.lines.filter((l) => l.trim() !== '');
      return true;
    case 'Z':
      c.sudoRules = s.lines.filter((l) => l.trim() !== '');
      return true;
    case 'J':
      c.log = s.lines.filter((l) => l.trim() !== '');
      return true;
    case 'M': {
      const selinux = parseSelinux(s.lines);
      if (selinux) c.selinux = selinux;
      return true;
    }
    default:
      return false;
  }
}

/** Config files, the users' sections and the host keys: they come before the `E` mark. */
function userSection(st: State, s: Section): boolean {
  const { c } = st;
  if (['F', 'T', 'S', 'H', 'Y'].includes(s.tag) && st.extras) reject(`a ${s.tag} section out of place`);
  switch (s.tag) {
    case 'F': {
      if (st.seen.has('P')) reject('a config file after passwd');
      const path = absoluteConfigPath(hexToken(s.args[0]));
      const file = { path, lines: withoutComments(decodeSedL(s.lines)) };
      c.configFiles.push(file);
      st.lastContent = (lines) => (file.lines = withoutComments(lines));
      return true;
    }
    case 'T': {
      const name = s.args[0] ?? '';
      if (!st.seen.has('P')) reject('a user section before passwd');
      if (!USER_NAME.test(name) || (st.users && !st.users.includes(name)))
        reject('a section for an unexpected user');
      if (c.users[name]) reject(`a second section for user ${name}`);
      const user: UserReport = { name, effective: { rc: numberArg(s.args[1]), values: {} }, keyFiles: [] };
      c.users[name] = user;
      st.user = user;
      for (const l of s.lines) {
        const m = /^(\S+) (.*)$/.exec(l);
        if (s.args[1] === '0' && m) (user.effective.values[m[1] ?? ''] ??= []).push(m[2] ?? '');
        else if (l.trim() !== '') user.effective.error = `${user.effective.error ?? ''}${l}\n`;
      }
      return true;
    }
    case 'S':
      if (!st.user || s.args[0] !== st.user.name || st.user.shadow) reject('a shadow section out of place');
      st.user.shadow = parseShadow(s.lines[0]);
      return true;
    case 'H': {
      const user = st.user;
      if (!user || s.args[0] !== user.name || user.shell) reject('a home section out of place');
      user.shell = parseStat(s.lines[0] ?? '', c.passwd.find((p) => p.name === user.name)?.shell ?? '');
      const names = hexDumpText(s.lines.slice(1))
        .split('\n')
        .filter((n) => n !== '');
      if (names.some((n) => n === '.' || n === '..' || n.includes('/')))
        reject('a name in ~/.ssh no file can have');
      user.sshDir = names;
      return true;
    }
    case 'Y':
      for (const l of s.lines) {
        const m = PUBLIC_HOST_KEY.exec(l);
        if (!m) reject('a host key line that is not a public key');
        c.hostKeys.push(`${m[1]} ${m[2]}`);
      }
      st.user = undefined;
      return true;
    case 'E':
      st.extras = true;
      st.user = undefined;
      return true;
    default:
      return false;
  }
}

/** A key file (K) and what follows it: its real path (R), contents (C), private key headers (X), or why it was withheld (Q). */
function keyFileSection(st: State, s: Section): boolean {
  const { c } = st;
  if (s.tag === 'K') {
    const path = hexToken(s.args[0]);
    const user = st.extras ? undefined : st.user;
    if (!st.extras && !user) reject('a key file outside a user section');
    const configured = expectedKeyPath(c, path, user);
    // A file found by the search of the user's home: a candidate for a misplaced key, never a file sshd reads.
    if (!configured && !(user && belowHome(c, path, user))) reject('a key file no configuration names');
    const chain = checkedChain(path, s.lines);
    // A file met again (listed twice, shared by users, or in the scan of every home): the later look replaces the first.
    const known = c.keyFiles[path];
    if (known)
      for (const k of ['realPath', 'realChain', 'content', 'privateKeyHeaders', 'withheld'] as const)
        delete known[k];
    st.keyFile = known ? Object.assign(known, { chain }) : { path, chain };
    c.keyFiles[path] = st.keyFile;
    if (user && configured && !user.keyFiles.includes(path)) user.keyFiles.push(path);
    return true;
  }
  if (!['R', 'C', 'X', 'Q'].includes(s.tag)) return false;
  const target = st.keyFile;
  if (!target) reject(`a ${s.tag} section that follows no key file`);
  if (s.tag === 'R') {
    if (target.realPath !== undefined || target.content || target.privateKeyHeaders || target.withheld)
      reject('a real path out of place');
    const realPath = hexToken(s.args[0]);
    if (!realPath.startsWith('/') || realPath === target.path) reject('a real path that is not one');
    target.realPath = realPath;
    target.realChain = checkedChain(realPath, s.lines);
    return true;
  }
  if (target.content || target.privateKeyHeaders || target.withheld) reject('two contents for one key file');
  if (s.tag === 'C') {
    target.content = decodeSedL(s.lines);
    st.lastContent = (lines) => (target.content = lines);
  } else if (s.tag === 'X') target.privateKeyHeaders = decodeHexDump(s.lines).filter((l) => l !== '');
  else target.withheld = { links: numberArg(s.args[0]), uid: numberArg(s.args[1]) };
  return true;
}

function numberArg(arg: string | undefined): number {
  if (arg === undefined || !/^\d{1,10}$/.test(arg)) reject('a number that is not one');
  return Number(arg);
}

/** A path at most four names below the user's home (the search's depth), none of them empty, `.` or `..`. */
function belowHome(c: Collection, path: string, user: UserReport): boolean {
  const home = (c.passwd.find((p) => p.name === user.name)?.home ?? '').replace(/\/+$/, '');
  if (!home.startsWith('/') || !path.startsWith(`${home}/`)) return false;
  const names = path.slice(home.length + 1).split('/');
  return names.length <= 4 && names.every((n) => n !== '' && n !== '.' && n !== '..');
}

/**
 * The key file paths the collector can print: for a user, its effective AuthorizedKeysFile values
 * expanded as the collector does (%h, %u, %%; relative to the home); after the `E` mark, the
 * standard file of root and of every directory under /home.
 */
function expectedKeyPath(c: Collection, path: string, user: UserReport | undefined): boolean {
  if (!user)
    return (
      path === '/root/.ssh/authorized_keys' ||
      /^\/home\/(?!\.\.?\/)[^/\n]+\/\.ssh\/authorized_keys$/.test(path)
    );
  const home = c.passwd.find((p) => p.name === user.name)?.home ?? '';
  const words = (user.effective.values.authorizedkeysfile ?? [])
    .flatMap((v) => v.split(/\s+/))
    .filter(Boolean);
  return words.some((word) => {
    const expanded = word.replace(/%h/g, home).replace(/%u/g, user.name).replace(/%%/g, '%');
    return (expanded.startsWith('/') ? expanded : `${home}/${expanded}`) === path;
  });
}

/**
 * A stat chain is one line for the path and for each of its parents up to `/`, in that order; the
 * names are not sent (the path says them), so a line can only be about the name in its place.
 */
function checkedChain(path: string, lines: string[]): StatEntry[] {
  const names = [path];
  while (names.length <= lines.length && names.at(-1) !== '/' && names.at(-1)!.startsWith('/'))
    names.push(dirname(names.at(-1)!));
  if (names.length !== lines.length || names.at(-1) !== '/')
    reject('a stat chain that does not climb its path');
  return lines.map((line, i) => parseStat(line, names[i]!));
}

/** The collector prints names relative to /etc/ssh where sshd_config or an Include said so. */
function absoluteConfigPath(p: string): string {
  return p.startsWith('/') ? p : `/etc/ssh/${p}`;
}

/** `mode uid gid size links type words` (stat -c '%a %u %g %s %h %F') of `path`, or `-` when absent. */
export function parseStat(line: string, path: string): StatEntry {
  if (line === '-') return { path, exists: false };
  const m = /^([0-7]{1,4}) (\d{1,10}) (\d{1,10}) (\d{1,19}) (\d{1,10}) ([a-z ]+)$/.exec(line);
  if (!m) reject('a stat line that is not one');
  const kind = m[6] ?? '';
  return {
    path,
    exists: true,
    mode: parseInt(m[1] ?? '0', 8),
    uid: Number(m[2]),
    gid: Number(m[3]),
    size: Number(m[4]),
    links: Number(m[5]),
    type: kind.includes('directory')
      ? 'directory'
      : kind.includes('regular')
        ? 'file'
        : kind.includes('symbolic')
          ? 'symlink'
          : 'other',
  };
}

/** `name:uid:gid:home:shell` (the collector leaves out the password and GECOS fields). */
function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length !== 5 || !/^\d+$/.test(f[1] ?? '') || !/^\d+$/.test(f[2] ?? '')) return undefined;
  return { name: f[0] ?? '', uid: Number(f[1]), gid: Number(f[2]), home: f[3] ?? '', shell: f[4] ?? '' };
}

/** `name:gid:members`. */
function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length !== 3 || !/^\d+$/.test(f[1] ?? '')) return undefined;
  return { name: f[0] ?? '', gid: Number(f[1]), members: (f[2] ?? '').split(',').filter(Boolean) };
}

/** `<L?><E|P|N> lastchg min max warn inactive expire` (days since 1970; empty = unset). */
function parseShadow(line: string | undefined): ShadowStatus | undefined {
  if (!line) return undefined;
  const [status = '', ...fields] = line.split(' ');
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    locked: status.startsWith('L'),
    password: status.endsWith('P') ? 'set' : status.endsWith('E') ? 'empty' : 'none',
    lastChange: num(fields[0]),
    maxDays: num(fields[2]),
    inactiveDays: num(fields[4]),
    expireDay: num(fields[5]),
  };
}

/** This product's own comments (its drop-ins' first line, the window markers): kept, for their diffs. */
const OWN_COMMENT = /^# [A-Z ]*vps-rescue/;

/** The collector blanks comment lines where sed can (line numbers kept); the hex path sends them whole. */
function withoutComments(lines: string[]): string[] {
  return lines.map((l) => (/^\s*#/.test(l) && !OWN_COMMENT.test(l) ? '' : l));
}

/**
 * `systemctl is-active` (one state per unit, in the collector's order), then `systemctl show` of the
 * socket units: per unit a block of `Key=value` lines in systemd's own order (`Id=` need not come
 * first), blocks separated by an empty line; one `Listen=ADDR:PORT (Stream)` per listener,
 * `DropInPaths=` space-separated.
 */
function parseUnits(c: Collection, lines: string[]): void {
  const order = ['ssh', 'sshd', 'ssh.socket', 'sshd.socket'];
  let state = 0;
  let id = '';
  let block: SocketUnitReport = { listen: [], dropIns: [] };
  const commit = () => {
    if (/^[\w@.-]+\.socket$/.test(id)) c.sockets = { ...c.sockets, [id]: block };
    id = '';
    block = { listen: [], dropIns: [] };
  };
  for (const raw of lines) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line === '') {
      commit();
    } else if (eq < 0) {
      const unit = order[state++];
      if (unit) c.units[unit] = line;
    } else {
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'Id') id = value;
      if (key === 'Listen') {
        const m = /^(\S+) \(Stream\)$/.exec(value);
        if (m?.[1]) block.listen.push(m[1]);
      }
      if (key === 'DropInPaths') block.dropIns.push(...value.split(' ').filter((p) => p.startsWith('/')));
    }
  }
  commit();
}

import { RescueError } from '../errors/rescue-error.js';
import type {
  Collection,
  GroupEntry,
  KeyFileReport,
  PasswdEntry,
  ShadowStatus,
  StatEntry,
  UserReport,
} from './collection.js';
import { decodeSedL } from './sed-l.js';

const MARK = '@@VR ';

interface Section {
  tag: string;
  args: string[];
  lines: string[];
}

/**
 * Parse the collector's output (console noise around it is ignored). Throws
 * `diagnose.bad-output` when the BEGIN/END pair of this nonce is missing: a cut-off run must not be
 * analysed as if files were absent.
 */
export function parseCollection(text: string, nonce?: string): Collection {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const isMark = (l: string, tag: string) =>
    l.startsWith(`${MARK}${tag} `) && (nonce === undefined || l === `${MARK}${tag} ${nonce}`);
  const begin = lines.findLastIndex((l) => isMark(l, 'BEGIN'));
  if (begin < 0) throw new RescueError('diagnose.bad-output', { reason: 'no BEGIN marker' });
  const runNonce = lines[begin]?.slice(`${MARK}BEGIN `.length) ?? '';
  const end = lines.findIndex((l, i) => i > begin && l === `${MARK}END ${runNonce}`);
  if (end < 0) throw new RescueError('diagnose.bad-output', { reason: 'output cut off before END' });
  return build(runNonce, splitSections(lines.slice(begin + 1, end)));
}

function splitSections(lines: string[]): Section[] {
  const sections: Section[] = [];
  let cur: Section | undefined;
  for (const line of lines) {
    if (line.startsWith(MARK)) {
      const [tag = '', ...args] = line.slice(MARK.length).split(' ');
      cur = { tag, args, lines: [] };
      sections.push(cur);
    } else cur?.lines.push(line);
  }
  return sections;
}

function build(nonce: string, sections: Section[]): Collection {
  const c: Collection = {
    nonce,
    version: '',
    os: {},
    syntax: { rc: -1, output: [] },
    configFiles: [],
    passwd: [],
    groups: [],
    users: {},
    keyFiles: {},
    sshdProcesses: 0,
    units: {},
    listeners: [],
    firewall: [],
    sudoRules: [],
    log: [],
  };
  // where the next `x` (hex dump) section belongs: the file section just before it
  let lastContent: ((lines: string[]) => void) | undefined;
  let user: UserReport | undefined;
  let keyFile: KeyFileReport | undefined;
  let extras = false;
  for (const s of sections) {
    const arg = s.args.join(' ');
    switch (s.tag) {
      case 'V':
        c.version = s.lines.find((l) => /OpenSSH_/.test(l)) ?? '';
        for (const l of s.lines) {
          const m = /^(ID|ID_LIKE|VERSION_ID)="?([^"]*)"?$/.exec(l);
          if (m) c.os[m[1] === 'ID' ? 'id' : m[1] === 'ID_LIKE' ? 'idLike' : 'versionId'] = m[2] ?? '';
        }
        break;
      case 't':
        c.syntax = { rc: Number(s.args[0]), output: s.lines.filter((l) => l !== '') };
        break;
      case 'F': {
        const file = { path: absoluteConfigPath(arg), lines: withoutComments(decodeSedL(s.lines)) };
        c.configFiles.push(file);
        lastContent = (lines) => (file.lines = withoutComments(lines));
        break;
      }
      case 'x':
        lastContent?.(decodeHexDump(s.lines));
        lastContent = undefined;
        break;
      case 'P':
        c.passwd = s.lines.map(parsePasswd).filter((e): e is PasswdEntry => e !== undefined);
        break;
      case 'G':
        c.groups = s.lines.map(parseGroup).filter((e): e is GroupEntry => e !== undefined);
        break;
      case 'T':
        user = { name: s.args[0] ?? '', effective: { rc: Number(s.args[1]), values: {} }, keyFiles: [] };
        c.users[user.name] = user;
        for (const l of s.lines) {
          const m = /^(\S+) (.*)$/.exec(l);
          if (s.args[1] === '0' && m) (user.effective.values[m[1] ?? ''] ??= []).push(m[2] ?? '');
          else if (l.trim() !== '') user.effective.error = `${user.effective.error ?? ''}${l}\n`;
        }
        break;
      case 'S':
        if (user) user.shadow = parseShadow(s.lines[0]);
        break;
      case 'H':
        if (user) {
          user.shell = parseStat(s.lines[0] ?? '');
          user.sshDir = s.lines.slice(1).filter((l) => l !== '');
        }
        break;
      case 'E':
        extras = true;
        break;
      case 'K':
        keyFile = c.keyFiles[arg] ?? { path: arg, chain: s.lines.map(parseStat) };
        c.keyFiles[arg] = keyFile;
        if (user && !extras && !user.keyFiles.includes(arg)) user.keyFiles.push(arg);
        break;
      case 'R':
        if (keyFile) Object.assign(keyFile, { realPath: arg, realChain: s.lines.map(parseStat) });
        break;
      case 'C':
        if (keyFile) {
          const target = keyFile;
          target.content = decodeSedL(s.lines);
          lastContent = (lines) => (target.content = lines);
        }
        break;
      case 'X':
        if (keyFile) keyFile.privateKeyHeaders = s.lines.filter((l) => l !== '');
        break;
      case 'D':
        c.sshdProcesses = s.lines.filter((l) => /comm:sshd$/.test(l)).length;
        break;
      case 'U':
        ['ssh', 'sshd', 'ssh.socket', 'sshd.socket'].forEach((unit, i) => {
          const state = s.lines[i]?.trim();
          if (state) c.units[unit] = state;
        });
        break;
      case 'L':
        c.listeners = s.lines.filter((l) => l.trim() !== '');
        break;
      case 'W':
        c.firewall = s.lines.filter((l) => l.trim() !== '');
        break;
      case 'Z':
        c.sudoRules = s.lines.filter((l) => l.trim() !== '');
        break;
      case 'J':
        c.log = s.lines.filter((l) => l.trim() !== '');
        break;
    }
  }
  return c;
}

/** `od -An -v -tx1` output back to lines (a final newline ends the last line, as with sed). */
export function decodeHexDump(lines: string[]): string[] {
  const bytes = lines.flatMap((l) =>
    l
      .trim()
      .split(/\s+/)
      .filter((h) => /^[0-9a-f]{2}$/i.test(h))
      .map((h) => parseInt(h, 16)),
  );
  const text = Buffer.from(bytes).toString('utf8');
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** The collector prints names relative to /etc/ssh where sshd_config or an Include said so. */
function absoluteConfigPath(p: string): string {
  return p.startsWith('/') ? p : `/etc/ssh/${p}`;
}

export function parseStat(line: string): StatEntry {
  if (line.startsWith('- ')) return { path: line.slice(2), exists: false };
  const bar = line.indexOf('|');
  const m = /^([0-7]+) (\d+) (\d+) (\d+) (.+)$/.exec(bar < 0 ? '' : line.slice(0, bar));
  if (!m) return { path: line, exists: false };
  const kind = m[5] ?? '';
  return {
    path: line.slice(bar + 1),
    exists: true,
    mode: parseInt(m[1] ?? '0', 8),
    uid: Number(m[2]),
    gid: Number(m[3]),
    size: Number(m[4]),
    type: kind.includes('directory')
      ? 'directory'
      : kind.includes('regular')
        ? 'file'
        : kind.includes('symbolic')
          ? 'symlink'
          : 'other',
  };
}

function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  return { name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '', shell: f[6] ?? '' };
}

function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4) return undefined;
  return { name: f[0] ?? '', gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
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

/** The collector blanks comment lines where sed can (line numbers kept); the hex path sends them whole. */
function withoutComments(lines: string[]): string[] {
  return lines.map((l) => (/^\s*#/.test(l) ? '' : l));
}

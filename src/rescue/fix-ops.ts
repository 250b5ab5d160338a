import type { Collection, StatEntry } from '../diagnose/collection.js';
import type { Finding, FixOp } from '../diagnose/findings.js';
import { formatKey, parseAuthorizedKeysLine } from '../keys/authorized-keys.js';
import { restoreconCode, selinuxPortCode } from './fix-selinux.js';
import { outsideHome, socketRestartStep } from './fix-system.js';
import { quote, type TxStep } from './transaction.js';

/**
 * Turns the analyser's fix descriptors into transaction steps. A user's files can be swapped for
 * links (or hard links) by that user at any moment, race included, so no step names them as root:
 * - content is written, renamed and edited by the user (`wk`, `u`): a link leads nowhere the user
 *   could not already write;
 * - modes and owners that need root are set through a held directory or in a directory only root can
 *   change (`ro`), to exact modes computed here (never a kept setuid/setgid/sticky bit);
 * - every path is taken relative to the home the server's own passwd names (`hd`), never the
 *   collected one, and a path outside that home is not repaired automatically.
 */

export interface CompiledFixes {
  steps: TxStep[];
  backupFiles: string[];
  backupModes: string[];
  /** Backed-up paths that lie in a user's home, with that user (backed up and restored as the user). */
  owners: Record<string, string>;
  /** Findings whose fix is not automatic (manual, or an op this version does not run). */
  skipped: Finding[];
  /** Findings that will be fixed. */
  applied: Finding[];
}

interface Owner {
  name: string;
  home: string;
  uid: number;
  gid: number;
}

function ownerOf(c: Collection, user: string | undefined): Owner | undefined {
  const entry = c.passwd.find((p) => p.name === user);
  return entry ? { name: entry.name, home: entry.home, uid: entry.uid, gid: entry.gid } : undefined;
}

function statOf(c: Collection, path: string): StatEntry | undefined {
  for (const k of Object.values(c.keyFiles)) {
    const hit = [...k.chain, ...(k.realChain ?? [])].find((e) => e.path === path && e.exists);
    if (hit) return hit;
  }
  return undefined;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** `path` relative to the owner's home ('' for the home itself), or undefined when it lies elsewhere. */
function relative(path: string, o: Owner): string | undefined {
  const home = o.home.replace(/\/+$/, '');
  if (!home.startsWith('/') || home === '') return undefined;
  if (path === home) return '';
  if (!path.startsWith(`${home}/`)) return undefined;
  const rel = path.slice(home.length + 1);
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..') ? rel : undefined;
}

/** The key file's bytes travel base64-encoded: no line of the customer's file can end the here-document. */
const B64_TAG = 'VR_B64_END';

function base64Lines(text: string): string[] {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  );
}

/**
 * Replace a user's key file: `stage` puts the new content in the staged file (its lines come first),
 * then the user renames it in (wk). Paths outside the user's home are left for a human (undefined).
 */
/**
 * Whether root may have to write into `dir` for its user (wk): only a folder that exists and is
 * root's. One the collector saw missing or owned by someone else is written by the user alone (wu);
 * one it did not see at all keeps root's way too.
 */
function rootMayWrite(c: Collection, dir: string): boolean {
  const seen = Object.values(c.keyFiles)
    .flatMap((k) => [...k.chain, ...(k.realChain ?? [])])
    .filter((e) => e.path === dir);
  if (seen.length === 0) return true;
  return seen.some((e) => e.exists && e.uid === 0);
}

function replaceKeyFile(
  c: Collection,
  path: string,
  o: Owner,
  n: number,
  stage: (rel: string, staged: string) => string[],
): string | undefined {
  const rel = relative(path, o);
  if (rel === undefined || rel === '') return undefined;
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const staged = `"$B/k${n}"`;
  const write = rootMayWrite(c, dir === '' ? o.home : `${o.home.replace(/\/+$/, '')}/${dir}`) ? 'wk' : 'wu';
  return [...stage(rel, staged), `${write} ${quote(o.name)} ${quote(dir)} ${quote(name)} ${staged}`].join(
    '\n',
  );
}

/** The here-document's end line for plain key lines; a file holding that line goes as base64. */
const TEXT_TAG = 'VR_KEYS_END';

/**
 * The new lines, written by the user from a quoted here-document: as they are when every line is
 * printable ASCII and none is the end line (the key text compresses better than its base64), else
 * from base64 (no line of the file can end the here-document).
 */
function writeKeyFile(c: Collection, path: string, lines: string[], o: Owner, n: number): string | undefined {
  const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  const plain = lines.every((l) => /^[\x20-\x7e]*$/.test(l) && l !== TEXT_TAG);
  return replaceKeyFile(c, path, o, n, (_, staged) =>
    plain
      ? [`cat >${staged} <<'${TEXT_TAG}'`, ...lines, TEXT_TAG]
      : [`base64 -d >${staged} <<'${B64_TAG}'`, ...base64Lines(text), B64_TAG],
  );
}

/**
 * A file the collector withheld (someone else's file in the user's folder), copied by its user as it
 * is: read with the user's own rights, so no link or hard link reaches anything more; a failed read
 * fails the step before anything is written.
 */
function copyKeyFile(c: Collection, path: string, o: Owner, n: number): string | undefined {
  return replaceKeyFile(c, path, o, n, (rel, staged) => [
    `hd ${quote(o.name)}&&u ${quote(o.name)} cat "$h"/${quote(rel)} >${staged}&&`,
  ]);
}

type Content = (path: string) => string[] | undefined;

/** Only the key of a line: type, base64 blob and comment; no option travels from someone else's file. */
function keyOnly(line: string | undefined): string | undefined {
  const parsed = line === undefined ? undefined : parseAuthorizedKeysLine(line);
  return parsed?.kind === 'key' ? formatKey(parsed) : undefined;
}

/** The new lines of a key file after a line-level op, computed here from what the collector printed. */
function editedLines(content: Content, op: FixOp): { path: string; lines: string[] } | undefined {
  switch (op.op) {
    case 'join-lines':
    case 'convert-rfc4716':
    case 'delete-lines': {
      const lines = content(op.path);
      if (!lines) return undefined;
      const [first, last] = op.lines;
      const replacement =
        op.op === 'join-lines'
          ? [
              lines
                .slice(first - 1, last)
                .map((l) => l.trim())
                .join(''),
            ]
          : op.op === 'convert-rfc4716'
            ? [op.key]
            : [];
      return { path: op.path, lines: [...lines.slice(0, first - 1), ...replacement, ...lines.slice(last)] };
    }
    case 'replace-line': {
      const lines = content(op.path);
      return lines && { path: op.path, lines: lines.map((l, i) => (i === op.line - 1 ? op.text : l)) };
    }
    case 'strip-bom': {
      const lines = content(op.path);
      return lines && { path: op.path, lines: lines.map((l) => l.replace(/^\uFEFF/, '').replace(/\r$/, '')) };
    }
    case 'add-key':
    case 'move-key': {
      const target = op.op === 'add-key' ? op.path : op.to;
      const key = op.op === 'add-key' ? keyOnly(op.key) : keyOnly(content(op.from)?.[op.line - 1]);
      if (!key) return undefined;
      const existing = content(target) ?? [];
      if (existing.some((l) => keyOnly(l) === key || l.trim() === key))
        return { path: target, lines: existing };
      return { path: target, lines: [...existing, key] };
    }
    default:
      return undefined;
  }
}

function opUser(op: FixOp): string | undefined {
  return 'user' in op ? op.user : undefined;
}

/**
 * A file not the user's own, in a directory its user can write: root cannot act on it by name without
 * a race, so the user rewrites it (same lines) as their own file, 600.
 */
function rewriteInstead(c: Collection, op: FixOp, o: Owner | undefined): boolean {
  if ((op.op !== 'chown' && op.op !== 'chmod') || !o) return false;
  const st = statOf(c, op.path);
  const parent = statOf(c, dirOf(op.path));
  if (st?.type !== 'file' || st.uid === o.uid) return false;
  return !(parent?.uid === 0 && ((parent.mode ?? 0o777) & 0o022) === 0);
}

export function compileFixes(c: Collection, findings: Finding[]): CompiledFixes {
  const out: CompiledFixes = {
    steps: [],
    backupFiles: [],
    backupModes: [],
    owners: {},
    skipped: [],
    applied: [],
  };
  // A renamed file (authorized_key → authorized_keys) carries its lines to the new name; edits of the
  // new name start from them, and run after the rename.
  const renamedFrom = new Map<string, string>();
  for (const f of findings) if (f.fix.op === 'rename') renamedFrom.set(f.fix.to, f.fix.from);
  const original: Content = (p) => c.keyFiles[p]?.content ?? c.keyFiles[renamedFrom.get(p) ?? '']?.content;
  // Several line edits on one file apply to the same text, in order; the file is written once.
  // Lines undefined: a file whose content the collector withheld, copied by its user as it is.
  const edited = new Map<string, { lines: string[] | undefined; owner: Owner; force: boolean }>();
  const content: Content = (p) => edited.get(p)?.lines ?? original(p);
  const renames: TxStep[] = [];
  const others: TxStep[] = [];
  const seen = new Set<string>();

  for (const f of findings) {
    const key = JSON.stringify(f.fix);
    if (seen.has(key)) {
      out.applied.push(f);
      continue;
    }
    const owner = ownerOf(c, f.user ?? opUser(f.fix));
    // A key file the collector would not read (hard link, foreign owner) is never rewritten from a guess.
    const target = f.fix.op === 'add-key' ? f.fix.path : f.fix.op === 'move-key' ? f.fix.to : undefined;
    if (target !== undefined && c.keyFiles[target]?.withheld) {
      out.skipped.push(f);
      continue;
    }
    const rewrite = rewriteInstead(c, f.fix, owner);
    const edit = !owner
      ? undefined
      : rewrite && 'path' in f.fix
        ? { path: f.fix.path, lines: content(f.fix.path) }
        : editedLines(content, f.fix);
    const step = edit ? undefined : simpleStep(c, f.fix, owner);
    if (edit && owner) edited.set(edit.path, { lines: edit.lines, owner, force: rewrite });
    else if (step && owner !== undefined && step.inHome) {
      (f.fix.op === 'rename' ? renames : others).push(step.step);
      for (const p of [...step.files, ...step.modes]) out.owners[p] = owner.name;
      out.backupFiles.push(...step.files);
      out.backupModes.push(...step.modes);
    } else if (step && !step.inHome) {
      others.push(step.step);
      out.backupFiles.push(...step.files);
      out.backupModes.push(...step.modes);
    } else {
      out.skipped.push(f);
      continue;
    }
    seen.add(key);
    out.applied.push(f);
  }

  const writes: TxStep[] = [];
  for (const [path, { lines, owner, force }] of edited) {
    // An edit that leaves the text as it is (the key was already there) writes nothing.
    if (!force && JSON.stringify(lines) === JSON.stringify(original(path))) continue;
    const code =
      lines === undefined
        ? copyKeyFile(c, path, owner, writes.length + 1)
        : writeKeyFile(c, path, lines, owner, writes.length + 1);
    if (!code) {
      // Outside the user's home: not written automatically (the findings stay for a human).
      const gone = out.applied.filter((f) => touches(f.fix, path));
      out.applied = out.applied.filter((f) => !gone.includes(f));
      out.skipped.push(...gone);
      continue;
    }
    // A directory the write creates is recorded too, so a rollback removes it again.
    const dir = dirOf(path);
    if (!statOf(c, dir)) {
      out.backupFiles.push(dir);
      out.owners[dir] = owner.name;
    }
    out.backupFiles.push(path);
    out.owners[path] = owner.name;
    writes.push({ name: `write ${path}`, code });
  }
  out.steps = [...renames, ...writes, ...others];
  return out;
}

function touches(op: FixOp, path: string): boolean {
  return ('path' in op && op.path === path) || (op.op === 'move-key' && op.to === path);
}

interface Simple {
  step: TxStep;
  files: string[];
  modes: string[];
  /** the step works on paths in the user's home (backed up as the user) */
  inHome: boolean;
}

function simpleStep(c: Collection, op: FixOp, o: Owner | undefined): Simple | undefined {
  const user = o ? quote(o.name) : '';
  switch (op.op) {
    case 'chmod': {
      const rel = o && relative(op.path, o);
      if (o && rel === undefined) return outsideHome(statOf(c, op.path), op);
      if (!o || rel === undefined || !/^[0-7]{3}$/.test(op.mode)) return undefined;
      const st = statOf(c, op.path);
      // A file of the user's own: chmod'ed as the user. Anything else through ro.
      const code =
        st?.type === 'file' && st.uid === o.uid
          ? `hd ${user}||exit 3\nu ${user} chmod ${op.mode} "$h"/${quote(rel)}||exit 3\n[ "$(stat -c %a "$h"/${quote(rel)})" = ${op.mode} ]`
          : `ro ${user} ${quote(rel)} - - ${op.mode}`;
      return { step: { name: `chmod ${op.path}`, code }, files: [], modes: [op.path], inHome: true };
    }
    case 'chown': {
      const rel = o && relative(op.path, o);
      if (o && rel === undefined) return outsideHome(statOf(c, op.path), op);
      if (!o || rel === undefined) return undefined;
      const st = statOf(c, op.path);
      const mode =
        st?.type === 'directory'
          ? rel === '.ssh' || rel.endsWith('/.ssh')
            ? '700'
            : ((st.mode ?? 0o755) & 0o755).toString(8).padStart(3, '0')
          : '600';
      const code = `ro ${user} ${quote(rel)} "$(id -u ${user})" "$(id -g ${user})" ${mode}`;
      return { step: { name: `chown ${op.path}`, code }, files: [], modes: [op.path], inHome: true };
    }
    case 'rename': {
      const from = o && relative(op.from, o);
      const to = o && relative(op.to, o);
      if (!o || !from || !to) return undefined;
      const code = `hd ${user}||exit 3\nu ${user} sh -c 'cd -P "$1"||exit 3;{ [ -e "$3" ]||[ -L "$3" ]; }&&exit 4;[ -L "$2" ]&&exit 3;mv "$2" "$3"' sh "$h" ${quote(from)} ${quote(to)}`;
      return { step: { name: `rename ${op.from}`, code }, files: [op.from, op.to], modes: [], inHome: true };
    }
    case 'remove-private-key': {
      const rel = o && relative(op.path, o);
      if (!o || !rel) return undefined;
      const code = `hd ${user}||exit 3\n[ -L "$h"/${quote(rel)} ]&&exit 3\nu ${user} sed -i '/-----BEGIN .*PRIVATE KEY-----/,/-----END .*PRIVATE KEY-----/d' "$h"/${quote(rel)}`;
      return {
        step: { name: `remove private key ${op.path}`, code },
        files: [op.path],
        modes: [],
        inHome: true,
      };
    }
    case 'config-comment':
      return {
        step: {
          name: `comment ${op.path}:${op.line}`,
          code: `sed -i '${op.line}s/^/# vps-rescue: /' ${quote(op.path)}`,
        },
        files: [op.path],
        modes: [],
        inHome: false,
      };
    case 'config-replace-line':
      // The new line reaches awk through its environment: config text never becomes sh or sed code.
      return {
        step: {
          name: `edit ${op.path}:${op.line}`,
          code: `f=${quote(op.path)};T=${quote(op.text)} awk -v n=${op.line} 'NR==n{print ENVIRON["T"];next}1' "$f">"$f.vr"&&cat "$f.vr">"$f"&&rm "$f.vr"`,
        },
        files: [op.path],
        modes: [],
        inHome: false,
      };
    case 'set-shell': {
      // A shell that is not installed (bash on Alpine) would lock the account out again: then /bin/sh.
      const u = quote(op.user);
      const code = `s=${quote(op.shell)};[ -x "$s" ]||s=/bin/sh\n[ -x "$s" ]||exit 3\nif command -v usermod>/dev/null;then usermod -s "$s" ${u};else fe /etc/passwd ${u} 7 "$s";fi`;
      return { step: { name: `shell ${op.user}`, code }, files: ['/etc/passwd'], modes: [], inHome: false };
    }
    case 'unlock': {
      const u = quote(op.user);
      // Without usermod: drop the leading '!'s only when a real hash remains, never leaving no password.
      const code = `command -v usermod>/dev/null&&exec usermod -U ${u}\np=$(awk -F: -v u=${u} '$1==u{print $2}' /etc/shadow)\nwhile :;do case $p in !*)p=\${p#!};;*)break;;esac;done\ncase $p in \\$*\\$?*);;*)[ \${#p} = 13 ]||exit 5;;esac\nfe /etc/shadow ${u} 2 "$p"`;
      return { step: { name: `unlock ${op.user}`, code }, files: ['/etc/shadow'], modes: [], inHome: false };
    }
    case 'clear-expiry': {
      const u = quote(op.user);
      // chage -E -1 empties the account expiry date, field 8.
      const code = `if command -v chage>/dev/null;then chage -E -1 ${u};else fe /etc/shadow ${u} 8 '';fi`;
      return { step: { name: `expiry ${op.user}`, code }, files: ['/etc/shadow'], modes: [], inHome: false };
    }
    case 'restorecon': {
      const targets = o && op.paths.map((p) => ({ rel: relative(p, o), type: statOf(c, p)?.type }));
      const code = o && targets && restoreconCode(o.name, targets);
      return code
        ? { step: { name: `restorecon ${o.home}`, code }, files: [], modes: [], inHome: true }
        : undefined;
    }
    case 'selinux-port': {
      const code = selinuxPortCode(op.port);
      return code
        ? { step: { name: `label port ${op.port}`, code }, files: [], modes: [], inHome: false }
        : undefined;
    }
    case 'service-start':
      // The transaction's reload starts sshd when it is not running.
      return { step: { name: `start ${op.unit}`, code: 'true' }, files: [], modes: [], inHome: false };
    case 'socket-restart': {
      if (!/^[\w@.-]+\.socket$/.test(op.unit) || !Number.isInteger(op.port)) return undefined;
      return { step: socketRestartStep(op.unit, op.port), files: [], modes: [], inHome: false };
    }
    default:
      return undefined;
  }
}

import type { Collection } from '../diagnose/collection.js';
import type { Finding, FixOp } from '../diagnose/findings.js';
import { quote, type TxStep } from './transaction.js';

/**
 * Turns the analyser's fix descriptors into transaction steps. Every path a user could have planted
 * is guarded: no symlink in the way, no hard-linked file, nothing that resolves outside the user's
 * home. A user-controlled path never makes root touch a file of someone else.
 */

export interface CompiledFixes {
  steps: TxStep[];
  backupFiles: string[];
  backupModes: string[];
  /** Findings whose fix is not automatic (manual, or an op this version does not run). */
  skipped: Finding[];
  /** Findings that will be fixed. */
  applied: Finding[];
}

interface Owner {
  home: string;
  uid: number;
  gid: number;
}

// The path guard `g PATH HOME` is defined once in every transaction (transaction.ts).

function ownerOf(c: Collection, user: string | undefined): Owner | undefined {
  const entry = c.passwd.find((p) => p.name === user);
  return entry ? { home: entry.home, uid: entry.uid, gid: entry.gid } : undefined;
}

function knownToExist(c: Collection, path: string): boolean {
  return Object.values(c.keyFiles).some((k) => k.chain.some((e) => e.path === path && e.exists));
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Replace a user's key file with `lines`: written beside it, then renamed over it (never through a link). */
function writeKeyFile(path: string, lines: string[], o: Owner, tag: string): string {
  const d = dirOf(path);
  return [
    `g ${quote(d)} ${quote(o.home)}||{ [ ! -e ${quote(d)} ]&&g ${quote(dirOf(d))} ${quote(o.home)}; }||exit 3`,
    `[ -d ${quote(path)} ]&&exit 3`,
    `[ -d ${quote(d)} ]||{ mkdir ${quote(d)}&&chown ${o.uid}:${o.gid} ${quote(d)}&&chmod 700 ${quote(d)}; }||exit 3`,
    `t=${quote(d)}/.vps-rescue-$$`,
    `cat > "$t" <<'${tag}'\n${lines.join('\n')}\n${tag}`,
    `chown ${o.uid}:${o.gid} "$t"&&chmod 600 "$t"&&mv -f "$t" ${quote(path)}`,
  ].join('\n');
}

type Content = (path: string) => string[] | undefined;

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
      const key = op.op === 'add-key' ? op.key : content(op.from)?.[op.line - 1];
      if (!key) return undefined;
      const existing = content(target) ?? [];
      if (existing.some((l) => l.trim() === key.trim())) return { path: target, lines: existing };
      return { path: target, lines: [...existing, key.trim()] };
    }
    default:
      return undefined;
  }
}

function opUser(op: FixOp): string | undefined {
  return 'user' in op ? op.user : undefined;
}

export function compileFixes(c: Collection, findings: Finding[], txId: string): CompiledFixes {
  const out: CompiledFixes = { steps: [], backupFiles: [], backupModes: [], skipped: [], applied: [] };
  // A renamed file (authorized_key → authorized_keys) carries its lines to the new name; edits of the
  // new name start from them, and run after the rename.
  const renamedFrom = new Map<string, string>();
  for (const f of findings) if (f.fix.op === 'rename') renamedFrom.set(f.fix.to, f.fix.from);
  const original: Content = (p) => c.keyFiles[p]?.content ?? c.keyFiles[renamedFrom.get(p) ?? '']?.content;
  // Several line edits on one file apply to the same text, in order; the file is written once.
  const edited = new Map<string, { lines: string[]; owner: Owner }>();
  const content: Content = (p) => edited.get(p)?.lines ?? original(p);
  const renames: TxStep[] = [];
  const others: TxStep[] = [];
  const seen = new Set<string>();
  const tag = `VR_KEYS_${txId.replace(/\W/g, '')}`;

  for (const f of findings) {
    const key = JSON.stringify(f.fix);
    if (seen.has(key)) {
      out.applied.push(f);
      continue;
    }
    const owner = ownerOf(c, f.user ?? opUser(f.fix));
    const edit = owner ? editedLines(content, f.fix) : undefined;
    const step = edit ? undefined : simpleStep(f.fix, owner);
    if (edit && owner) edited.set(edit.path, { lines: edit.lines, owner });
    else if (step) {
      (f.fix.op === 'rename' ? renames : others).push(step.step);
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
  for (const [path, { lines, owner }] of edited) {
    // An edit that leaves the text as it is (the key was already there) writes nothing.
    if (JSON.stringify(lines) === JSON.stringify(original(path))) continue;
    // A directory the write creates is recorded too, so a rollback removes it again.
    const dir = dirOf(path);
    if (!knownToExist(c, dir)) out.backupFiles.push(dir);
    out.backupFiles.push(path);
    writes.push({ name: `write ${path}`, code: writeKeyFile(path, lines, owner, tag) });
  }
  out.steps = [...renames, ...writes, ...others];
  return out;
}

interface Simple {
  step: TxStep;
  files: string[];
  modes: string[];
}

function simpleStep(op: FixOp, o: Owner | undefined): Simple | undefined {
  const guarded = (path: string, code: string) =>
    o ? `g ${quote(path)} ${quote(o.home)}||exit 3\n${code}` : undefined;
  switch (op.op) {
    case 'chmod': {
      const code = guarded(op.path, `chmod ${op.mode} ${quote(op.path)}`);
      return code ? { step: { name: `chmod ${op.path}`, code }, files: [], modes: [op.path] } : undefined;
    }
    case 'chown': {
      const code = guarded(op.path, `chown -h ${quote(`${op.owner}:${op.group}`)} ${quote(op.path)}`);
      return code ? { step: { name: `chown ${op.path}`, code }, files: [], modes: [op.path] } : undefined;
    }
    case 'rename': {
      if (!o) return undefined;
      const code = `g ${quote(op.from)} ${quote(o.home)}&&g ${quote(dirOf(op.to))} ${quote(o.home)}||exit 3\n[ -e ${quote(op.to)} ]&&exit 4\nmv ${quote(op.from)} ${quote(op.to)}`;
      return { step: { name: `rename ${op.from}`, code }, files: [op.from, op.to], modes: [] };
    }
    case 'remove-private-key': {
      const code = guarded(
        op.path,
        `sed -i '/-----BEGIN .*PRIVATE KEY-----/,/-----END .*PRIVATE KEY-----/d' ${quote(op.path)}`,
      );
      return code
        ? { step: { name: `remove private key ${op.path}`, code }, files: [op.path], modes: [] }
        : undefined;
    }
    case 'config-comment':
      return {
        step: {
          name: `comment ${op.path}:${op.line}`,
          code: `sed -i '${op.line}s/^/# vps-rescue: /' ${quote(op.path)}`,
        },
        files: [op.path],
        modes: [],
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
      };
    case 'set-shell': {
      // A shell that is not installed (bash on Alpine) would lock the account out again: then /bin/sh.
      const u = quote(op.user);
      const code = `s=${quote(op.shell)};[ -x "$s" ]||s=/bin/sh\n[ -x "$s" ]||exit 3\nif command -v usermod>/dev/null;then usermod -s "$s" ${u};else fe /etc/passwd ${u} 7 "$s";fi`;
      return { step: { name: `shell ${op.user}`, code }, files: ['/etc/passwd'], modes: [] };
    }
    case 'unlock': {
      const u = quote(op.user);
      // Without usermod: drop the leading '!'s only when a real hash remains, never leaving no password.
      const code = `command -v usermod>/dev/null&&exec usermod -U ${u}\np=$(awk -F: -v u=${u} '$1==u{print $2}' /etc/shadow)\nwhile :;do case $p in !*)p=\${p#!};;*)break;;esac;done\ncase $p in \\$*\\$?*);;*)[ \${#p} = 13 ]||exit 5;;esac\nfe /etc/shadow ${u} 2 "$p"`;
      return { step: { name: `unlock ${op.user}`, code }, files: ['/etc/shadow'], modes: [] };
    }
    case 'clear-expiry': {
      const u = quote(op.user);
      // chage -E -1 empties the account expiry date, field 8.
      const code = `if command -v chage>/dev/null;then chage -E -1 ${u};else fe /etc/shadow ${u} 8 '';fi`;
      return { step: { name: `expiry ${op.user}`, code }, files: ['/etc/shadow'], modes: [] };
    }
    case 'service-start':
      // The transaction's reload starts sshd when it is not running.
      return { step: { name: `start ${op.unit}`, code: 'true' }, files: [], modes: [] };
    default:
      return undefined;
  }
}

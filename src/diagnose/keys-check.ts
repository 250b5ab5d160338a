import { formatKey, type PublicKey } from '../keys/authorized-keys.js';
import type { KeyFileReport, StatEntry } from './collection.js';
import { winningLine, type ConfigLine } from './config-check.js';
import { eff, effAll, passwdOf, type Ctx } from './context.js';
import { finding, type Finding } from './findings.js';
import { analyseKeyLines, holds, type FileLines } from './key-lines.js';
import { misplacedKey, otherAccountKey } from './misplaced-keys.js';

const MISNAMED = /^(authori[sz]ed[-_ ]?keys?2?(\.txt|\.pub)?|authorized_key|id_[a-z0-9]+\.pub)$/i;

/** Debian's patch: group write is harmless when the group's only member is the file's owner. */
function userPrivateGroup(ctx: Ctx, gid: number, ownerUid: number): boolean {
  const group = ctx.c.groups.find((g) => g.gid === gid);
  const owner = ctx.c.passwd.find((p) => p.uid === ownerUid);
  if (!group || !owner) return false;
  const primary = ctx.c.passwd.filter((p) => p.gid === gid);
  if (primary.some((p) => p.uid !== ownerUid)) return false;
  if (group.members.some((m) => m !== owner.name)) return false;
  return primary.length + group.members.length > 0;
}

function insecure(ctx: Ctx, st: StatEntry, uid: number): 'owner' | 'mode' | undefined {
  if (st.uid !== 0 && st.uid !== uid) return 'owner';
  const mode = st.mode ?? 0;
  if (mode & 0o002) return 'mode';
  if (mode & 0o020 && !(ctx.debianModes && userPrivateGroup(ctx, st.gid ?? -1, st.uid ?? -1))) return 'mode';
  return undefined;
}

function canAccess(st: StatEntry, uid: number, gids: number[], bit: number): boolean {
  const mode = st.mode ?? 0;
  if (uid === 0) return true;
  if (st.uid === uid) return ((mode >> 6) & bit) !== 0;
  if (gids.includes(st.gid ?? -1)) return ((mode >> 3) & bit) !== 0;
  return (mode & bit) !== 0;
}

/** File-level StrictModes findings, in sshd's order: open as the user, regular file, file, dirs upward. */
function fileFindings(ctx: Ctx, name: string, report: KeyFileReport): Finding[] {
  const pw = passwdOf(ctx, name);
  if (!pw) return [];
  const chain = report.realChain ?? report.chain;
  const file = chain[0];
  if (!file?.exists) return [];
  const gids = ctx.c.groups.filter((g) => g.gid === pw.gid || g.members.includes(name)).map((g) => g.gid);
  const path = report.path;
  const base = {
    user: name,
    path,
    params: { user: name, path: file.path } as Record<string, string | number>,
  };
  const home = pw.home.replace(/\/+$/, '');
  const insideHome = file.path.startsWith(`${home}/`);
  const blockedDir = chain.slice(1).find((d) => d.exists && !canAccess(d, pw.uid, gids, 1));
  if (blockedDir || (file.type === 'file' && !canAccess(file, pw.uid, gids, 4))) {
    const target = blockedDir ?? file;
    // A folder below the user's own home that another user took goes back to the user (opening its
    // mode to everybody would be the wrong repair). A root-owned one (`sudo mkdir ~/.ssh`) is never
    // handed to the user: the user may have renamed one of root's folders to that name; it gets the
    // one search bit the user needs (sshd accepts root as owner).
    const takenInHome =
      blockedDir &&
      blockedDir.uid !== pw.uid &&
      blockedDir.uid !== 0 &&
      blockedDir.path.startsWith(`${home}/`);
    const fix = takenInHome
      ? { op: 'chown' as const, path: blockedDir.path, owner: name, group: groupName(ctx, pw.gid) }
      : blockedDir
        ? { op: 'chmod' as const, path: blockedDir.path, mode: searchableMode(blockedDir, pw.uid, gids) }
        : file.uid === pw.uid
          ? { op: 'chmod' as const, path: file.path, mode: '600' }
          : { op: 'chown' as const, path: file.path, owner: name, group: groupName(ctx, pw.gid) };
    return [
      finding('keys.unreadable', 'error', fix, {
        ...base,
        params: { ...base.params, blocked: target.path, owner: ownerName(ctx, target.uid) },
      }),
    ];
  }
  if (file.type !== 'file') return [finding('keys.not-regular', 'error', { op: 'manual' }, base)];
  if (eff(ctx.c.users[name], 'strictmodes') === 'no') return [];
  const out: Finding[] = [];
  const fileIssue = insecure(ctx, file, pw.uid);
  if (fileIssue === 'owner') {
    out.push(
      finding(
        'keys.owner',
        'error',
        { op: 'chown', path: file.path, owner: name, group: groupName(ctx, pw.gid) },
        { ...base, params: { ...base.params, owner: ownerName(ctx, file.uid) } },
      ),
    );
  } else if (fileIssue === 'mode') {
    out.push(
      finding(
        'keys.mode',
        'error',
        // sshd reads the file as the user: a root-owned one must stay readable to them.
        { op: 'chmod', path: file.path, mode: file.uid === 0 && pw.uid !== 0 ? '644' : '600' },
        { ...base, params: { ...base.params, mode: octal(file.mode) } },
      ),
    );
  }
  for (const dir of chain.slice(1)) {
    if (!dir.exists) continue;
    if (insideHome && !(dir.path === home || dir.path.startsWith(`${home}/`))) break;
    const issue = insecure(ctx, dir, pw.uid);
    if (issue === 'owner') {
      // Outside the home (AuthorizedKeysFile /etc/ssh/keys/%u) a folder goes to root, not to the user:
      // the user could otherwise change the keys of everybody whose file lies below it.
      const owner = insideHome
        ? { owner: name, group: groupName(ctx, pw.gid) }
        : { owner: 'root', group: 'root' };
      out.push(
        finding(
          'keys.owner',
          'error',
          { op: 'chown', path: dir.path, ...owner },
          { ...base, params: { ...base.params, path: dir.path, owner: ownerName(ctx, dir.uid) } },
        ),
      );
    } else if (issue === 'mode') {
      const mode = repairedDirMode(dir, home, pw.uid);
      out.push(
        finding(
          'keys.dir-mode',
          'error',
          { op: 'chmod', path: dir.path, mode },
          { ...base, params: { ...base.params, path: dir.path, mode: octal(dir.mode) } },
        ),
      );
    }
    // sshd stops at the first bad component
    if (issue) break;
  }
  return out.slice(0, 1);
}

/**
 * The exact mode a repaired directory gets: never a setuid/setgid/sticky bit and never group/other
 * write; the user's own .ssh 700; other directories keep their read/search bits.
 */
export function repairedDirMode(dir: StatEntry, home: string, uid: number): string {
  if (dir.uid === uid && dir.path !== home && /\/\.ssh$/.test(dir.path)) return '700';
  return octal((dir.mode ?? 0o755) & 0o755);
}

/** The directory's mode with search for the class the user falls in, exact and without special bits. */
function searchableMode(dir: StatEntry, uid: number, gids: number[]): string {
  const bit = dir.uid === uid ? 0o100 : gids.includes(dir.gid ?? -1) ? 0o010 : 0o001;
  return octal(((dir.mode ?? 0) & 0o755) | bit);
}

function octal(mode: number | undefined): string {
  return (mode ?? 0).toString(8).padStart(3, '0');
}

function ownerName(ctx: Ctx, uid: number | undefined): string {
  return ctx.c.passwd.find((p) => p.uid === uid)?.name ?? `uid ${uid ?? '?'}`;
}

function groupName(ctx: Ctx, gid: number): string {
  return ctx.c.groups.find((g) => g.gid === gid)?.name ?? String(gid);
}

/** Signature algorithms that can carry a key of this type. */
function algorithmsFor(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  if (type === 'ssh-rsa-cert-v01@openssh.com') {
    return ['rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', type];
  }
  return [type];
}

export function checkKeys(ctx: Ctx, name: string): Finding[] {
  const user = ctx.c.users[name];
  const pw = passwdOf(ctx, name);
  if (!user || !pw) return [];
  const reports = user.keyFiles
    .map((p) => ctx.c.keyFiles[p])
    .filter((r): r is KeyFileReport => r !== undefined);
  const existing = reports.filter((r) => r.chain[0]?.exists);
  const target = user.keyFiles[0] ?? `${pw.home}/.ssh/authorized_keys`;
  const key = ctx.key;
  const addKey = key
    ? { op: 'add-key' as const, path: target, user: name, key: formatKey(key) }
    : { op: 'manual' as const };
  const out: Finding[] = [];

  const perFile = existing.map((r) => ({
    r,
    issues: fileFindings(ctx, name, r),
    lines: r.content
      ? analyseKeyLines(r.path, r.content, ctx.clientAddress)
      : ({ valid: [], problems: [] } as FileLines),
  }));
  // OpenSSH before 8.5 prints the same setting as pubkeyacceptedkeytypes.
  const accepted = new Set([
    ...effAll(user, 'pubkeyacceptedalgorithms'),
    ...effAll(user, 'pubkeyacceptedkeytypes'),
  ]);
  const algoOk = (k: PublicKey) => accepted.size === 0 || algorithmsFor(k.type).some((a) => accepted.has(a));
  const usable = perFile
    .filter((f) => f.issues.length === 0)
    .flatMap((f) => f.lines.valid.filter((v) => algoOk(v.key)));
  const customerOk = key ? usable.some((v) => holds(key, v.key)) : usable.length > 0;
  const heldIn = (f: (typeof perFile)[number]) =>
    !!key &&
    (f.lines.valid.some((v) => holds(key, v.key)) || f.lines.problems.some((p) => holds(key, p.key)));
  const keyAnywhere = !!key && perFile.some(heldIn);

  for (const f of perFile) {
    const blocking = !customerOk && (!key || heldIn(f) || !keyAnywhere);
    for (const issue of f.issues) out.push({ ...issue, blocking, severity: blocking ? 'error' : 'warning' });
    const ownerSaid = f.issues.some((i) => i.cause === 'keys.owner' && i.path === f.r.path);
    if (f.r.withheld && (f.r.withheld.links > 1 || !ownerSaid)) {
      // The collector would not read through it (hard link, foreign owner): say so rather than guess.
      out.push(
        finding(
          'keys.withheld',
          customerOk ? 'warning' : 'error',
          { op: 'manual' },
          {
            user: name,
            path: f.r.path,
            blocking: false,
            params: { path: f.r.path, user: name, links: f.r.withheld.links, uid: f.r.withheld.uid },
          },
        ),
      );
    } else if (f.r.privateKeyHeaders?.length) {
      out.push(
        finding(
          'keys.private-key',
          'error',
          { op: 'remove-private-key', path: f.r.path },
          {
            user: name,
            path: f.r.path,
            blocking: !customerOk,
            params: { path: f.r.path, header: f.r.privateKeyHeaders[0] ?? '' },
          },
        ),
      );
    } else if (f.r.content && f.lines.valid.length === 0 && f.lines.problems.length === 0) {
      // An empty file of the user's own, the key pasted into another account's file instead.
      const pasted = customerOk ? undefined : otherAccountKey(ctx, name, f.r.path);
      out.push(
        pasted ??
          finding('keys.empty', customerOk ? 'warning' : 'error', addKey, {
            user: name,
            path: f.r.path,
            blocking: !customerOk,
            params: { path: f.r.path },
          }),
      );
    }
    for (const p of f.lines.problems) {
      // A from= without the engineer's address is a note for the report, never the lockout's cause.
      const advisory = p.cause === 'keys.from-mismatch';
      const lineBlocks = !advisory && !customerOk && (key ? holds(key, p.key) : true);
      out.push(
        finding(p.cause, lineBlocks ? 'error' : 'warning', p.fix, {
          user: name,
          path: f.r.path,
          line: p.line,
          blocking: lineBlocks,
          params: { path: f.r.path, line: p.line, user: name, ...p.params },
        }),
      );
    }
    for (const v of f.lines.valid) {
      if (algoOk(v.key) || (key && !holds(key, v.key))) continue;
      const blocks = !customerOk;
      const policy = cryptoPolicyLine(ctx);
      out.push(
        policy
          ? // The system-wide policy decides: a security choice (FIPS, FUTURE) the rescue does not undo.
            finding(
              'policy.crypto-policy',
              blocks ? 'error' : 'warning',
              { op: 'manual' },
              {
                user: name,
                path: policy.path,
                line: policy.line,
                blocking: blocks,
                params: { user: name, type: v.key.type, path: policy.path, keyFile: f.r.path },
              },
            )
          : finding('policy.algorithm', blocks ? 'error' : 'warning', addKey, {
              user: name,
              path: f.r.path,
              line: v.line,
              blocking: blocks,
              params: { user: name, type: v.key.type },
            }),
      );
    }
  }

  if (existing.length === 0) out.push(...missingFile(ctx, name, target, addKey));
  // A file the collector would not print (symlink leaving the home, > 64 KiB) may hold the key.
  else if (key && !keyAnywhere && perFile.every((f) => f.r.content !== undefined || f.r.privateKeyHeaders)) {
    const elsewhere = wrongHome(ctx, name, target);
    out.push(
      elsewhere ??
        finding('keys.not-authorized', 'error', addKey, {
          user: name,
          path: target,
          params: { user: name, path: target },
        }),
    );
  }
  return out;
}

/** The line that sets the accepted key algorithms, when it comes from the crypto-policies back-end. */
function cryptoPolicyLine(ctx: Ctx): ConfigLine | undefined {
  const line =
    winningLine(ctx.config, 'pubkeyacceptedalgorithms') ?? winningLine(ctx.config, 'pubkeyacceptedkeytypes');
  return line?.path.startsWith('/etc/crypto-policies/') ? line : undefined;
}

function missingFile(ctx: Ctx, name: string, target: string, addKey: Finding['fix']): Finding[] {
  const pw = passwdOf(ctx, name);
  const user = ctx.c.users[name];
  const misnamed = (user?.sshDir ?? []).find((n) => MISNAMED.test(n) && !/^authorized_keys2?$/.test(n));
  if (misnamed && pw) {
    const from = `${pw.home}/.ssh/${misnamed}`;
    return [
      finding(
        'keys.misnamed',
        'error',
        { op: 'rename', from, to: target },
        { user: name, path: from, params: { user: name, path: from, expected: target } },
      ),
    ];
  }
  const elsewhere =
    misplacedKey(ctx, name, target) ?? wrongHome(ctx, name, target) ?? otherAccountKey(ctx, name, target);
  if (elsewhere) return [elsewhere];
  return [
    finding('keys.file-missing', 'error', addKey, {
      user: name,
      path: target,
      params: { user: name, path: target },
    }),
  ];
}

/** The customer's key (or, without one, a file at /home/<user>) in a file sshd never reads for this user. */
function wrongHome(ctx: Ctx, name: string, target: string): Finding | undefined {
  const user = ctx.c.users[name];
  for (const r of Object.values(ctx.c.keyFiles)) {
    if (user?.keyFiles.includes(r.path) || !r.content) continue;
    const lines = analyseKeyLines(r.path, r.content, ctx.clientAddress);
    // Without the customer's key, only a file at /home/<user> that the user (or root) owns: a file
    // another account holds there proves nothing about whose key it is.
    const owner = r.chain[0]?.uid;
    const hit = ctx.key
      ? lines.valid.find((v) => holds(ctx.key, v.key))
      : r.path === `/home/${name}/.ssh/authorized_keys` && (owner === 0 || owner === passwdOf(ctx, name)?.uid)
        ? lines.valid[0]
        : undefined;
    if (hit) {
      return finding(
        'keys.wrong-home',
        'error',
        { op: 'move-key', from: r.path, line: hit.line, to: target, user: name },
        {
          user: name,
          path: r.path,
          line: hit.line,
          // Only type, blob and comment are copied: options of someone else's line never travel.
          params: { user: name, path: r.path, expected: target, options: hit.key.options ?? '-' },
        },
      );
    }
  }
  return undefined;
}

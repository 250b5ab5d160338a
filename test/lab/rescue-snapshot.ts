import type { LabServer } from '../../lab/index.js';
import type { AppliedChange } from '../../src/rescue/types.js';

/** Content hash, mode, owner and type of every file under the places a rescue could touch. */
export async function snapshot(server: LabServer): Promise<Map<string, string>> {
  const where = "/etc /home /root -xdev ! -path '/root/.vps-rescue*'";
  const meta = await server.execChecked(`find ${where} -printf '%p\\t%m %U %G %y %l\\n'`);
  const sums = await server.execChecked(`find ${where} -type f -exec sha256sum {} +`);
  const out = new Map<string, string>();
  for (const line of meta.split('\n').filter(Boolean)) {
    const [path, rest] = line.split('\t');
    out.set(path!, rest!);
  }
  for (const line of sums.split('\n').filter(Boolean)) {
    const path = line.slice(66);
    out.set(path, `${out.get(path)} ${line.slice(0, 64)}`);
  }
  return out;
}

export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Whether a changed path is accounted for by the changes the rescue reported. */
export function explained(path: string, changes: AppliedChange[]): boolean {
  const files = changes.flatMap((c) => c.files);
  if (files.includes(path)) return true;
  // Tools that edit account files (usermod, chpasswd, useradd) refresh the "-" copies of all of them.
  const accountFiles = /^\/etc\/(passwd|shadow|group|gshadow)$/;
  if (
    files.some((f) => accountFiles.test(f)) &&
    accountFiles.test(path.replace(/-$/, '')) &&
    path.endsWith('-')
  )
    return true;
  if (
    /^\/etc\/(\.pwd\.lock|subuid-?|subgid-?)$/.test(path) &&
    changes.some((c) => c.action === 'create-user')
  )
    return true;
  // A created account's home, and the password window's own files and timer links.
  if (files.some((f) => f.startsWith('/home/') && path.startsWith(`${f}/`))) return true;
  if (changes.some((c) => c.action === 'enable-password') && /vps-rescue/.test(path)) return true;
  return false;
}

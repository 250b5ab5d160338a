import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const REPO = new URL('../../', import.meta.url).pathname;

/** Every .ts/.mjs file under the given folders of the repository (no node_modules, no dist). */
export function sourceFiles(...folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.mts')) out.push(path);
    }
  };
  for (const folder of folders) walk(join(REPO, folder));
  return out.map((path) => relative(REPO, path)).sort();
}

export interface SpawnedCommand {
  file: string;
  command: string;
}

// A program started by name: child_process calls, and lab/run.ts's run()/runChecked() where imported.
const CHILD_PROCESS_CALL = /(?<![.\w])(?:spawn|spawnSync|execFile|execFileSync)\(\s*(['"`])([^'"`$]+)\1/g;
const LAB_RUN_CALL = /(?<![.\w])(?:run|runChecked)\(\s*(['"`])([^'"`$]+)\1/g;
const IMPORTS_LAB_RUN = /from '(?:\.\.?\/)+(?:lab\/)?run\.js'/;

/** The commands a source text starts (the first word of a literal program name). */
export function spawnedCommands(file: string, text: string): SpawnedCommand[] {
  const found: SpawnedCommand[] = [];
  for (const m of text.matchAll(CHILD_PROCESS_CALL)) found.push({ file, command: m[2]! });
  if (IMPORTS_LAB_RUN.test(text) || file === 'lab/run.ts') {
    for (const m of text.matchAll(LAB_RUN_CALL)) found.push({ file, command: m[2]! });
  }
  return found;
}

export const readSource = (file: string) => readFileSync(join(REPO, file), 'utf8');

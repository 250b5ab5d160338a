import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootScenario, labAvailability, labRescueOptions } from '../lab/index.js';
import { rescue } from '../src/rescue/run.js';

/**
 * Where the typed bytes of a rescue go: one rescue per kind on a fresh story server (the bench's
 * scenario), its transcript summed per part — login and shell setup, then each script with its
 * command line, the commands after it. `npx tsx bench/typed.ts [window|key] [-v]` (root, the lab;
 * -v lists every typed line). Without the lab, bench/typed-size.ts gives the scripts alone.
 */
type Kind = 'window' | 'key';
const verbose = process.argv.includes('-v');
const asked = process.argv.slice(2).filter((a) => a === 'window' || a === 'key') as Kind[];
const lab = labAvailability();
if (!lab.ok) {
  console.error(`typed: the lab is not available here: ${lab.reason}`);
  process.exit(9);
}

interface Entry {
  dir: string;
  text: string;
}

for (const kind of asked.length > 0 ? asked : (['window', 'key'] as Kind[])) {
  const dir = mkdtempSync(join(tmpdir(), 'vr-typed-'));
  const file = join(dir, 'transcript.jsonl');
  const b = await bootScenario('story-wrong-dir');
  try {
    const privateKey = kind === 'key' ? readFileSync(b.key.privateKeyPath, 'utf8') : undefined;
    const r = await rescue(
      labRescueOptions(b.server, {
        transcriptPath: file,
        ...(kind === 'key'
          ? { customerKey: b.key.publicKey, privateKey }
          : { action: 'enable-password' as const }),
      }),
    );
    const c = r.counters;
    console.log(
      `${kind}: ok=${r.ok}, verified=${r.verification?.passed}: ${c?.bytesTyped} bytes typed, ${c?.roundTrips} round trips, ${c?.commands} commands`,
    );
    const entries = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    let part = 'login and shell setup';
    const parts = new Map<string, number>();
    for (const e of entries) {
      const script = e.dir === 'note' ? /^script \S+\/([^/\s:]+)/.exec(e.text) : null;
      if (script) part = `script ${script[1]} (its line and body)`;
      else if (e.dir === 'tx') {
        parts.set(part, (parts.get(part) ?? 0) + Buffer.byteLength(e.text));
        if (verbose)
          console.log(`    ${String(Buffer.byteLength(e.text)).padStart(5)} ${JSON.stringify(e.text)}`);
      }
    }
    for (const [name, bytes] of parts) console.log(`  ${String(bytes).padStart(5)}  ${name}`);
  } finally {
    await b.server.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

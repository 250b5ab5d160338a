/**
 * VNC console benchmarks.
 *   npx tsx bench/vnc.ts            decode time per screen, on the framebuffers recorded from the lab VM
 *   npx tsx bench/vnc.ts --vm       also boots one lab VM (QEMU TCG) and measures typing: random base64
 *                                   lines echoed back and compared, keys/s with zero errors
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConsoleSession } from '../src/console/session.js';
import { loadGlyphTables } from '../src/console/vnc/font-tables.js';
import { Framebuffer } from '../src/console/vnc/framebuffer.js';
import { RfbClient } from '../src/console/vnc/rfb-client.js';
import { ScreenReader } from '../src/console/vnc/screen-reader.js';
import { VncTransport } from '../src/console/vnc/vnc-transport.js';
import { LabVm } from '../lab/vm/vm.js';
import { waitForLoginScreen } from '../lab/vm/wait.js';

const FIXTURES = join(import.meta.dirname, '../test/fixtures/vnc');

async function decodeTimes(): Promise<void> {
  const tables = await loadGlyphTables();
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.vfb.gz') && f.startsWith('text-'))) {
    const fb = Framebuffer.fromBuffer(gunzipSync(readFileSync(join(FIXTURES, name))));
    const reader = new ScreenReader(tables);
    const first = performance.now();
    const text = reader.read(fb); // font detection included
    const detectMs = performance.now() - first;
    const n = 50;
    const started = performance.now();
    for (let i = 0; i < n; i++) reader.read(fb);
    const ms = (performance.now() - started) / n;
    console.log(
      `decode ${name.replace('.vfb.gz', '')}: ${text.cols}x${text.rows} ${ms.toFixed(2)} ms/screen ` +
        `(first read with font detection ${detectMs.toFixed(0)} ms)`,
    );
  }
}

async function typing(): Promise<void> {
  const password = 'Bench-pass.2024';
  const delay = process.env.VPS_RESCUE_BENCH_KEY_DELAY;
  const vm = await LabVm.create({
    users: [{ name: 'alice', password, groups: ['sudo'] }],
    ...(delay ? { keyDelayMs: Number(delay) } : {}),
  });
  try {
    const probe = await RfbClient.connect({ url: vm.websocketUrl });
    await waitForLoginScreen(probe, 240_000);
    probe.close();
    let transport: VncTransport | undefined;
    const session = await ConsoleSession.open(async () => {
      transport = await VncTransport.open({ kind: 'vnc-ws', url: vm.websocketUrl });
      return transport;
    });
    const loginStarted = Date.now();
    await session.login({ user: 'alice', password, timeoutMs: 120_000 });
    console.log(`login (user, password, sudo, shell setup): ${Date.now() - loginStarted} ms`);
    const kb = transport!.keyboard.counters;
    const [keys0, ms0] = [kb.keys, kb.typingMs];
    let errors = 0;
    const lines = 5;
    for (let i = 0; i < lines; i++) {
      const s = randomBytes(150).toString('base64'); // 200 characters, half of them shifted
      const r = await session.run(`echo ${s}`, { timeoutMs: 120_000 });
      if (r.stdout !== `${s}\n`) {
        errors++;
        if (process.env.VPS_RESCUE_BENCH_DEBUG) console.log(`sent ${s}\ngot  ${JSON.stringify(r.stdout)}`);
      }
    }
    const keys = kb.keys - keys0;
    const ms = kb.typingMs - ms0;
    console.log(
      `typing: ${keys} keys in ${(ms / 1000).toFixed(1)} s = ${((keys * 1000) / ms).toFixed(1)} keys/s, ` +
        `${errors} of ${lines} lines wrong, ${transport!.echo.silences} echo waits in vain`,
    );
    await session.close({ logout: true });
  } finally {
    await vm.destroy();
  }
}

await decodeTimes();
if (process.argv.includes('--vm')) await typing();
process.exit(0);

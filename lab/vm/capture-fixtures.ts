/**
 * Records the screen-reader fixtures from a real lab VM: for each display mode and font, known text
 * is written straight to tty1 (over ssh, so nothing is typed); the VNC framebuffer is saved with that
 * text laid out on the kernel's own screen size and cursor (from /dev/vcsa1).
 *   npx tsx lab/vm/capture-fixtures.ts [outdir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateKeyPair } from '../keys.js';
import { sshLogin } from '../ssh-login.js';
import { RfbClient } from '../../src/console/vnc/rfb-client.js';
import { LabVm } from './vm.js';
import { waitForLoginScreen } from './wait.js';

const TEXT_FONTS = [
  '',
  'Uni2-VGA16',
  'Lat15-Fixed16',
  'Lat15-Terminus16',
  'Lat15-VGA14',
  'Lat15-Fixed13',
  'Uni2-Fixed18',
  'Lat15-VGA8',
];
const FB_FONTS = [
  '',
  'Lat15-Terminus16',
  'Uni2-TerminusBold32x16',
  'Lat15-Terminus12x6',
  'Uni2-Fixed14',
  'Lat15-TerminusBold20x10',
  'Uni2-VGA8',
];

const ascii = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
const CONTENT = [
  `ASCII ${ascii}`,
  'The quick brown fox jumps over the lazy dog. 0123456789',
  '\x1b[7m inverse video \x1b[0m normal \x1b[1;32mbright green\x1b[0m \x1b[44mblue paper\x1b[0m',
  'Latin-1: café naïve Ñandú',
  'root@vps:~# ',
].join('\r\n');

/** What the console shows for CONTENT after a clear: escapes drawn as attributes, long lines wrapped. */
function expectedScreen(content: string, rows: number, cols: number): string[] {
  const lines: string[] = [];
  for (const line of content.replace(/\x1b\[[0-9;]*m/g, '').split('\r\n')) {
    const chars = [...line];
    for (let i = 0; i === 0 || i < chars.length; i += cols) lines.push(chars.slice(i, i + cols).join(''));
  }
  while (lines.length < rows) lines.push('');
  return lines.map((l) => l.padEnd(cols, ' '));
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'test/fixtures/vnc';
  await mkdir(out, { recursive: true });
  const key = await generateKeyPair();
  for (const display of ['text', 'fb'] as const) {
    const vm = await LabVm.create({
      display,
      log: console.log,
      files: [{ path: '/root/.ssh/authorized_keys', content: `${key.publicKey}\n`, mode: 0o600 }],
    });
    try {
      const client = await RfbClient.connect({ url: vm.websocketUrl });
      console.log('vm up, waiting for login', vm.websocketUrl);
      await waitForLoginScreen(client, 180_000);
      console.log('login screen seen');
      const ssh = (command: string) =>
        sshLogin('127.0.0.1', {
          user: 'root',
          port: vm.sshPort,
          privateKeyPath: key.privateKeyPath,
          command,
        });
      for (const font of display === 'text' ? TEXT_FONTS : FB_FONTS) {
        const setfont = font ? `setfont -C /dev/tty1 /usr/share/consolefonts/${font}.psf.gz && ` : '';
        const b64 = Buffer.from(`\x1b%G\x1b[H\x1b[2J${CONTENT}`).toString('base64');
        const r = await ssh(`${setfont}echo ${b64} | base64 -d > /dev/tty1 && echo ok`);
        if (!r.ok) throw new Error(`ssh failed: ${r.stderr}`);
        await new Promise((res) => setTimeout(res, 1500));
        await client.refresh();
        await new Promise((res) => setTimeout(res, 300));
        const fb = client.fb.clone();
        const truth = await ssh('head -c 4 /dev/vcsa1 | od -An -tu1');
        if (!truth.ok) throw new Error(`reading /dev/vcsa1 failed: ${truth.stderr}`);
        const [rows, cols, cx, cy] = truth.stdout.trim().split(/\s+/).map(Number) as [
          number,
          number,
          number,
          number,
        ];
        const lines = expectedScreen(CONTENT, rows, cols);
        const name = `${display}-${font || 'default'}`;
        await writeFile(join(out, `${name}.vfb.gz`), gzipSync(fb.toBuffer(), { level: 9 }));
        await writeFile(
          join(out, `${name}.json`),
          `${JSON.stringify({ font: font || 'default', display, rows, cols, cursor: { row: cy, col: cx }, lines }, null, 1)}\n`,
        );
        console.log(`captured ${name}: ${cols}x${rows} ${fb.width}x${fb.height}`);
      }
      client.close();
    } finally {
      await vm.destroy();
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

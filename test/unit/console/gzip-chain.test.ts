import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { chainUpload, type GzipChain } from '../../../src/console/gzip-chain.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What the console line does with an upload, run by dash on this machine's gzip, head and tail. */
function onServer(dir: string, path: string, sent: Buffer | string, decode: string): number {
  writeFileSync(join(dir, 'sent'), typeof sent === 'string' ? sent : sent.toString('base64'));
  const line = `cd ${dir};p=${path};${decode.replace(/<<'(\w+)'/, '<sent')};echo $u`;
  return Number(execFileSync('dash', ['-c', line], { encoding: 'utf8' }).trim());
}

describe('scripts as one gzip stream', () => {
  it('each upload is whole on the server, also past the 32 KiB window; shared text costs little', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-chain-'));
    dirs.push(dir);
    const shared = `${randomBytes(900).toString('hex')}\n`;
    const scripts = [
      `${shared}echo one\n`,
      // Random text past the window: the next one's dictionary is the last 32 KiB only.
      `${randomBytes(20_000).toString('hex')}\n`,
      `${shared}echo three\n`,
    ];
    let chain: GzipChain | undefined;
    const sizes: number[] = [];
    scripts.forEach((text, i) => {
      const up = chainUpload(chain, `${dir}/s${i}.sh`, Buffer.from(text));
      expect(onServer(dir, `${dir}/s${i}.sh`, up.sent, up.decode('E'))).toBe(0);
      expect(readFileSync(join(dir, `s${i}.sh`), 'utf8')).toBe(text);
      sizes.push(up.sent.length);
      chain = up.next;
    });
    // The first script's text is out of reach for the third (40 KB of random text between them).
    expect(sizes[2]).toBeGreaterThan(gzipSync(scripts[2]!).length - 40);
  });

  it('text sent before is referred to, not sent again; a changed stored part fails gzip, nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-chain-'));
    dirs.push(dir);
    const shared = `${randomBytes(1500).toString('hex')}\n`;
    const first = chainUpload(undefined, `${dir}/a.sh`, Buffer.from(`${shared}echo a\n`));
    expect(onServer(dir, `${dir}/a.sh`, first.sent, first.decode('E'))).toBe(0);
    const second = chainUpload(first.next, `${dir}/b.sh`, Buffer.from(`${shared}echo b\n`));
    expect(second.sent.length).toBeLessThan(60);
    const stored = readFileSync(join(dir, 'a.sh.z'));
    stored[100] = stored[100]! ^ 0xff;
    writeFileSync(join(dir, 'a.sh.z'), stored);
    expect(onServer(dir, `${dir}/b.sh`, second.sent, second.decode('E'))).not.toBe(0);
    expect(() => readFileSync(join(dir, 'b.sh'))).toThrow();
  });

  it('typed as Z85, decoded by basenc: 6 % fewer characters, the same files, the chain intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-chain-'));
    dirs.push(dir);
    const shared = `${randomBytes(700).toString('hex')}\n`;
    let chain: GzipChain | undefined;
    // Lengths 4k+1..4k+3 end in padding zeros that gzip -d must ignore, the stored part must not hold.
    ['a', 'bb', 'ccc', 'dddd'].forEach((tail, i) => {
      const text = `${shared}echo ${tail}\n`;
      const up = chainUpload(chain, `${dir}/z${i}.sh`, Buffer.from(text), 'z85');
      expect(up.decode('E')).toContain('basenc --z85 -d<<');
      expect(up.typed).toMatch(/^[\x21-\x7e]+$/);
      expect(up.typed).not.toMatch(/['"\\`]/);
      expect(up.typed.length).toBe(Math.ceil(up.sent.length / 4) * 5);
      expect(onServer(dir, `${dir}/z${i}.sh`, up.typed.replace(/(.{376})/g, '$1\n'), up.decode('E'))).toBe(0);
      expect(readFileSync(join(dir, `z${i}.sh`), 'utf8')).toBe(text);
      chain = up.next;
    });
    const raw = chainUpload(undefined, `${dir}/r.sh`, randomBytes(3000));
    expect(chainUpload(undefined, `${dir}/r.sh`, randomBytes(3000), 'z85').typed.length).toBeLessThan(
      raw.typed.length * 0.95,
    );
  });

  it('takes only plain paths (they go into sh unquoted)', () => {
    expect(() => chainUpload(undefined, '/root/a b.sh', Buffer.from('x'))).toThrow(/plain path/);
  });
});

import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { PROVIDERS } from '../../providers/index.js';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('vps-rescue providers', () => {
  it('lists every provider with capabilities and credential variables', async () => {
    const r = await run(['providers']);
    expect(r.code).toBe(0);
    for (const p of PROVIDERS) expect(r.out).toContain(`${p.id}  (${p.displayName})`);
    expect(r.out).toContain('HCLOUD_TOKEN');
    expect(r.out).toContain('can: VNC console, boot a rescue system');
  });

  it('--json gives the same data as the exported table', async () => {
    const r = await run(['providers', '--json']);
    const parsed = JSON.parse(r.out) as { ok: boolean; providers: { id: string; capabilities: string[] }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.providers.map((p) => p.id)).toEqual(PROVIDERS.map((p) => p.id));
    expect(parsed.providers.find((p) => p.id === 'proxmox')?.capabilities).toEqual([
      'serialConsole',
      'vncConsole',
      'runCommand',
    ]);
  });

  it('--markdown prints the README table, in Japanese with --lang ja', async () => {
    const en = await run(['providers', '--markdown']);
    expect(en.out.split('\n')[0]).toMatch(/^\| Provider \| serial console \|/);
    const ja = await run(['providers', '--lang', 'ja']);
    expect(ja.out).toContain('認証情報: ');
  });
});

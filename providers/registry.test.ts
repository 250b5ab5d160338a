import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { t } from '../src/i18n/index.js';
import { clearSecretsForTest } from '../src/secrets.js';
import { rejectsWithCode } from '../test/support/fixture.js';
import {
  PROVIDERS,
  getProvider,
  loadProvider,
  planAccess,
  providerTable,
  providerTableMarkdown,
  requireCapability,
} from './index.js';
import { CAPABILITIES, type Capability, type ProviderAdapter } from './types.js';
import { contractRows } from './contract-row.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const providerFolders = readdirSync(here).filter((name) => statSync(`${here}/${name}`).isDirectory());

/** Each vendor's contract credentials, from its folder: enough for createAdapter, never used on the network. */
const envOf = new Map(
  (await contractRows(PROVIDERS.map((p) => p.id))).map((row) => [row.id, row.env] as const),
);

const METHOD: Record<Capability, 'runCommand' | 'rescueBoot' | undefined> = {
  serialConsole: undefined, // through openConsole(server, 'serial')
  vncConsole: undefined,
  runCommand: 'runCommand',
  rescueBoot: 'rescueBoot',
};

describe('provider registry contract', () => {
  it('every provider folder is registered, and every registered provider has a folder', () => {
    expect(PROVIDERS.map((p) => p.id).sort()).toEqual([...providerFolders].sort());
  });

  for (const entry of PROVIDERS) {
    it(`${entry.id}: the adapter implements exactly the declared capabilities`, async () => {
      clearSecretsForTest();
      const adapter = await loadProvider(entry.id, { env: envOf.get(entry.id)!, lang: 'en' });
      expect(adapter.id).toBe(entry.id);
      expect([...adapter.capabilities].sort()).toEqual([...entry.capabilities].sort());
      expect(typeof adapter.findServer).toBe('function');
      expect(typeof adapter.openConsole).toBe('function');
      for (const capability of CAPABILITIES) {
        const method = METHOD[capability];
        if (!method) continue;
        if (entry.capabilities.includes(capability)) {
          expect(typeof adapter[method], `${entry.id}.${method}`).toBe('function');
        } else {
          // A vendor call no way in uses may stay implemented, but it is never reachable as a capability.
          const err = (() => {
            try {
              requireCapability(adapter, method, 'en');
            } catch (e) {
              return e as { code?: string };
            }
            return undefined;
          })();
          expect(err?.code, `${entry.id}.${method} undeclared`).toBe('provider.unsupported');
        }
      }
      if (entry.capabilities.includes('rescueBoot')) expect(typeof adapter.exitRescue).toBe('function');
      expect(entry.capabilities.some((c) => c === 'serialConsole' || c === 'vncConsole')).toBe(true);
    });

    it(`${entry.id}: missing credentials name the variables`, async () => {
      await rejectsWithCode(loadProvider(entry.id, { env: {}, lang: 'en' }), 'config.missing-credentials');
    });
  }

  it('an unknown provider lists the known ones', async () => {
    const err = await rejectsWithCode(
      loadProvider('nope', { env: {}, lang: 'en' }),
      'usage.unknown-provider',
    );
    expect(String(err.params.known).split(', ')).toEqual(PROVIDERS.map((p) => p.id));
    expect(() => getProvider('')).toThrow(/usage.unknown-provider/);
  });

  it('requireCapability returns the method or names what the vendor offers', () => {
    const adapter = {
      id: 'x',
      capabilities: ['vncConsole', 'rescueBoot'],
      findServer: () => Promise.reject(new Error('unused')),
      openConsole: () => Promise.reject(new Error('unused')),
      rescueBoot: () => Promise.reject(new Error('unused')),
    } as unknown as ProviderAdapter;
    expect(typeof requireCapability(adapter, 'rescueBoot', 'en')).toBe('function');
    try {
      requireCapability(adapter, 'runCommand', 'en');
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; params: Record<string, string> };
      expect(e.code).toBe('provider.unsupported');
      expect(e.params.capability).toBe('run commands in the guest');
      expect(e.params.offers).toBe('VNC console, boot a rescue system');
    }
  });
});

describe('planAccess', () => {
  it('orders serial, run-command, rescue, VNC, keeping only what is offered', () => {
    const all = planAccess(['vncConsole', 'rescueBoot', 'runCommand', 'serialConsole']);
    expect(all.map((s) => s.path)).toEqual(['serial-console', 'run-command', 'rescue-system', 'vnc-console']);
    expect(planAccess(['vncConsole', 'rescueBoot']).map((s) => s.path)).toEqual([
      'rescue-system',
      'vnc-console',
    ]);
    expect(planAccess([])).toEqual([]);
  });

  it('every step carries a translated reason', () => {
    for (const step of planAccess([...CAPABILITIES])) {
      expect(t('en', step.reason)).not.toBe(t('ja', step.reason));
      expect(t('en', step.reason).length).toBeGreaterThan(10);
    }
  });
});

describe('provider table', () => {
  it('has one row per provider with capabilities in canonical order', () => {
    const rows = providerTable();
    expect(rows.map((r) => r.id)).toEqual(PROVIDERS.map((p) => p.id));
    for (const row of rows)
      expect(row.capabilities).toEqual(CAPABILITIES.filter((c) => row.capabilities.includes(c)));
  });

  it('renders Markdown with a ✓ per declared capability', () => {
    const md = providerTableMarkdown('en');
    const lines = md.trim().split('\n');
    expect(lines).toHaveLength(PROVIDERS.length + 2);
    expect(lines[0]).toContain('| Provider | serial console | VNC console |');
    for (const entry of PROVIDERS) {
      const line = lines.find((l) => l.includes(`(\`${entry.id}\`)`))!;
      expect(line.split('✓')).toHaveLength(entry.capabilities.length + 1);
    }
    expect(providerTableMarkdown('ja')).toContain('プロバイダー');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, providerFactsIndexMarkdown, providerTableMarkdown } from '../../providers/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const facts = readFileSync(new URL('../../docs/provider-facts.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with exactly the two commands', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm run demo', 'npm test']);
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('## '));
  });

  it('has the provider table generated from the registry (npm run readme:providers)', () => {
    const table = /<!-- providers:start -->\n([\s\S]*?)\n<!-- providers:end -->/.exec(readme)?.[1];
    expect(table).toBe(providerTableMarkdown('en').trimEnd());
  });

  it('indexes the vendor facts each provider folder keeps (npm run readme:providers)', () => {
    const index = /<!-- provider-facts:start -->\n([\s\S]*?)\n<!-- provider-facts:end -->/.exec(facts)?.[1];
    expect(index).toBe(providerFactsIndexMarkdown().trimEnd());
    for (const { id, displayName } of PROVIDERS) {
      const own = readFileSync(new URL(`../../providers/${id}/README.md`, import.meta.url), 'utf8');
      expect(own.startsWith(`# ${displayName}`)).toBe(true);
      expect(own).toMatch(/\| 1 \| .+ \| (confirmed|contradicted|unconfirmed)/);
    }
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { providerFactsIndexMarkdown, providerTableMarkdown } from '../providers/index.js';

/**
 * Regenerates, from the provider folders alone (`npm run readme:providers`), the README's provider
 * table and the index of docs/provider-facts.md.
 */
function replaceBetween(file: URL, marker: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start -->\n`;
  const end = `\n<!-- ${marker}:end -->`;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  writeFileSync(file, `${before}${content.trimEnd()}${after}`);
}

replaceBetween(new URL('../README.md', import.meta.url), 'providers', providerTableMarkdown('en'));
replaceBetween(
  new URL('../docs/provider-facts.md', import.meta.url),
  'provider-facts',
  providerFactsIndexMarkdown(),
);

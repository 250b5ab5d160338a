import { readFileSync, writeFileSync } from 'node:fs';
import { providerTableMarkdown } from '../providers/index.js';

/** Regenerates the README's provider table from the registry (`npm run readme:providers`). */
const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = '<!-- providers:start -->\n';
const end = '\n<!-- providers:end -->';
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
writeFileSync(path, `${before}${providerTableMarkdown('en').trimEnd()}${after}`);

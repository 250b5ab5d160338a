import { t, type Lang } from '../src/i18n/index.js';
import { PROVIDERS } from './index.js';
import { CAPABILITIES, type Capability } from './types.js';

/**
 * One row per provider: the data behind `vps-rescue providers` (text and --json) and the README's
 * provider table, so the three never disagree.
 */
export interface ProviderRow {
  id: string;
  name: string;
  capabilities: Capability[];
  /** Capabilities whose way in reboots the server. */
  reboots: Capability[];
  credentials: string[][];
  optionalVariables: string[];
  endpoint: string;
}

export function providerTable(): ProviderRow[] {
  return PROVIDERS.map((p) => ({
    id: p.id,
    name: p.displayName,
    capabilities: CAPABILITIES.filter((c) => p.capabilities.includes(c)),
    reboots: [...(p.reboots ?? [])],
    credentials: p.credentialHelp.variables.map((set) => [...set]),
    optionalVariables: [...p.credentialHelp.optional],
    endpoint: p.credentialHelp.endpoint,
  }));
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** The README table: one column per capability, ✓ or blank, then the credentials. */
export function providerTableMarkdown(lang: Lang = 'en'): string {
  const rows = providerTable();
  const header = [
    t(lang, 'providers.table.provider'),
    ...CAPABILITIES.map((c) => t(lang, `providers.capability.${c}`)),
    t(lang, 'providers.table.credentials'),
  ];
  const lines = [`| ${header.map(escapeCell).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of rows) {
    const cells = [
      `${row.name} (\`${row.id}\`)`,
      ...CAPABILITIES.map((c) => (row.capabilities.includes(c) ? '✓' : '')),
      row.credentials
        .map((set) => set.map((v) => `\`${v}\``).join(' + '))
        .join(t(lang, 'providers.table.or')),
    ];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The index of docs/provider-facts.md: one link per provider to the facts kept in its folder. */
export function providerFactsIndexMarkdown(): string {
  return (
    PROVIDERS.map((p) => `- [${p.displayName}](../providers/${p.id}/README.md) (\`${p.id}\`)`).join('\n') +
    '\n'
  );
}

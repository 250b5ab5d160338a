// Writes man/vps-rescue.1 from the CLI's own help (`npm run man`), so the two cannot say different
// things; test/unit/cli-conventions.test.ts fails when the committed page is out of date.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { main } from '../src/cli/main.js';
import { commands } from '../src/cli/commands/index.js';
import { packageVersion } from '../src/util/package-root.js';

async function help(argv: string[]): Promise<string> {
  const out: string[] = [];
  // A fixed width and language: the page must not depend on who generates it.
  await main([...argv, '--help', '--lang', 'en'], {
    stdout: (s) => out.push(s),
    stderr: (s) => out.push(s),
    env: { COLUMNS: '80', LANG: 'C' },
  });
  return out.join('\n');
}

const roff = (text: string) =>
  text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');

/** Help lines → one entry per option: flags, then the description with its [type] [default] notes. */
function options(helpText: string): { flags: string; text: string }[] {
  const section = /\nOptions:\n([\s\S]*)$/.exec(helpText)?.[1] ?? '';
  const entries: { flags: string; text: string }[] = [];
  for (const line of section.split('\n')) {
    const m =
      /^ {2}(-\w, --[\w-]+| {4}--[\w-]+)\s{2,}(.*)$/.exec(line) ??
      /^ {2}(-\w, --[\w-]+| {4}--[\w-]+)$/.exec(line);
    if (m) entries.push({ flags: m[1]!.trim(), text: (m[2] ?? '').trim() });
    else if (line.trim() && entries.length > 0) entries.at(-1)!.text += ` ${line.trim()}`;
  }
  return entries;
}

function optionsRoff(helpText: string, skip: ReadonlySet<string> = new Set()): string[] {
  return options(helpText)
    .filter((o) => !skip.has(o.flags))
    .flatMap((o) => ['.TP', `.B ${roff(o.flags)}`, roff(o.text.replace(/\s+/g, ' '))]);
}

export async function renderManPage(): Promise<string> {
  const top = await help([]);
  const description = top.split('\nCommands:')[0]!.trim().replace(/\s+/g, ' ');
  const global = new Set(options(top).map((o) => o.flags));
  const lines = [
    `.TH VPS-RESCUE 1 "" "vps-rescue ${packageVersion()}" "User Commands"`,
    '.SH NAME',
    'vps\\-rescue \\- get a locked\\-out server back through its out\\-of\\-band console',
    '.SH SYNOPSIS',
    '.B vps\\-rescue',
    '\\-\\-provider \\fIID\\fR \\-\\-host \\fIADDRESS\\fR [\\fIoptions\\fR]',
    '.br',
    '.B vps\\-rescue',
    '\\fICOMMAND\\fR [\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    roff(description),
    '.SH OPTIONS',
    'These options are taken by every command.',
    ...optionsRoff(top),
    '.SH COMMANDS',
  ];
  for (const cmd of commands) {
    const name = (typeof cmd.command === 'string' ? cmd.command : cmd.command[0]!).split(' ')[0]!;
    const text = await help([name]);
    const usage = text.split('\n')[0]!.trim();
    const summary = text.split('\n\n')[1]?.trim().replace(/\s+/g, ' ') ?? '';
    lines.push('.SS', `.B ${roff(usage)}`, '.PP', roff(summary), ...optionsRoff(text, global));
  }
  lines.push(
    '.SH EXIT STATUS',
    '0 when the server was rescued (or the command did what it was asked); 2 for a usage error;',
    'other non\\-zero codes as listed in the report and by \\fB\\-\\-json\\fR errors.',
    '.SH SEE ALSO',
    '\\fBvps\\-rescue providers\\fR for each provider\\(aqs credentials and ways in;',
    '\\fBvps\\-rescue completion\\fR for shell completion.',
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(new URL('../man/vps-rescue.1', import.meta.url), await renderManPage());
}

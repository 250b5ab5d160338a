import { randomBytes } from 'node:crypto';
import { shQuote } from '../../src/rescue/shells/run-command-shell.js';
import { openSealed, type SealedInput } from '../sealed.js';

/**
 * Run Command (`RunShellScript`) takes script lines, not argv and stdin, and answers with one
 * status message in which the Linux extension joins both streams:
 * `Enable succeeded: \n[stdout]\n…\n[stderr]\n…`, each stream cut to its last 4,096 bytes, with no
 * exit code of its own. So argv and stdin become a here-document, and the exit status is printed
 * after the command on a line whose name is random per call.
 */

/** The Linux Run Command extension keeps the last 4,096 bytes of each stream. */
export const RUN_COMMAND_OUTPUT_BYTES = 4096;

export interface RunCommandScript {
  lines: string[];
  /** Ends stdout as `\n<marker>-<status>-\n`. */
  marker: string;
}

/** argv run with `input` on its stdin (a quoted here-document: no expansion), then its status. */
export function runCommandScript(argv: string[], input = ''): RunCommandScript {
  const body = input === '' || input.endsWith('\n') ? input : `${input}\n`;
  const lines = new Set(body.split('\n'));
  let end = '';
  do end = `VR_IN_${randomBytes(6).toString('hex')}`;
  while (lines.has(end));
  const marker = `VR_EXIT_${randomBytes(6).toString('hex')}`;
  const text = [
    `${argv.map(shQuote).join(' ')} <<'${end}'`,
    `${body}${end}`,
    `printf '\\n${marker}-%s-\\n' "$?"`,
  ].join('\n');
  return { lines: text.split('\n'), marker };
}

/**
 * argv run with a sealed program on its stdin (../sealed.ts): opened with the VM's own openssl
 * from the key directory `keyDir` made by an earlier call, which is removed right after.
 */
export function sealedRunCommandScript(argv: string[], keyDir: string, input: SealedInput): RunCommandScript {
  const marker = `VR_EXIT_${randomBytes(6).toString('hex')}`;
  const lines = [
    `k=${keyDir}`,
    ...openSealed(input),
    `${argv.map(shQuote).join(' ')} <"$k/in"`,
    'r=$?',
    'rm -rf "$k"',
    `printf '\\n${marker}-%s-\\n' "$r"`,
  ];
  return { lines: lines.join('\n').split('\n'), marker };
}

export interface InstanceViewStatus {
  code?: string;
  message?: string;
}

/**
 * The two streams from a RunCommandResult: the Linux extension's single message (`[stdout]` and
 * `[stderr]` sections), or the newer form with one status per stream (`ComponentStatus/StdOut/…`,
 * `ComponentStatus/StdErr/…`) as the published example shows.
 */
export function runCommandStreams(value: InstanceViewStatus[] | undefined): {
  stdout: string;
  stderr: string;
} {
  const statuses = value ?? [];
  const byCode = (part: string) => statuses.find((s) => s.code?.includes(`/${part}/`));
  const out = byCode('StdOut');
  if (out) return { stdout: out.message ?? '', stderr: byCode('StdErr')?.message ?? '' };
  const message = statuses.map((s) => s.message ?? '').join('\n');
  const start = message.indexOf('[stdout]\n');
  if (start < 0) return { stdout: '', stderr: message };
  const rest = message.slice(start + '[stdout]\n'.length);
  // The last [stderr] header is the extension's: a command may print the word itself.
  const split = rest.lastIndexOf('\n[stderr]\n');
  if (split < 0) return { stdout: rest, stderr: '' };
  return { stdout: rest.slice(0, split), stderr: rest.slice(split + '\n[stderr]\n'.length) };
}

/** The command's output without the status line, and the status (-1 when the line was lost). */
export function splitStatus(stdout: string, marker: string): { stdout: string; exitCode: number } {
  const m = new RegExp(`\\n${marker}-(\\d+)-\\n?$`).exec(stdout);
  if (!m) return { stdout, exitCode: -1 };
  return { stdout: stdout.slice(0, m.index), exitCode: Number(m[1]) };
}

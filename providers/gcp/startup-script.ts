import { randomBytes } from 'node:crypto';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { mask } from '../../src/secrets.js';
import { sleep } from '../credentials.js';
import { consoleUnavailable, precondition } from '../errors.js';
import type { CommandResult, RunCommandOptions, ServerRef } from '../types.js';
import { gcpError, type GcpApi } from './api.js';
import type { Metadata } from './map.js';
import { gcp } from './provider.js';
import { readSettings } from './serial.js';

const KEY = 'startup-script';
/** Base64 lines of at most this many characters: the script runner logs each line on its own. */
const WRAP = 76;
const DEFAULT_TIMEOUT_MS = 300_000;
/** Commands run so far through each adapter's API (the first one warns of the resets). */
const runs = new WeakMap<GcpApi, number>();

/**
 * The script the instance runs as root at its next boot: the program (base64, so no byte of it is
 * interpreted on the way) on sh's stdin, then its output as numbered base64 lines and its exit code
 * with the line count. The lines go to stdout (the script runner logs them on serial port 1) and to
 * ttyS0 itself (images whose runner does not log there): copies may interleave with each other and
 * with kernel lines, so the reader takes each number once and needs all of them. A done-file makes
 * a later boot (if the metadata could not be restored) run nothing.
 */
export function startupScript(run: string, program: string): string {
  const encoded = Buffer.from(program)
    .toString('base64')
    .replace(new RegExp(`(.{${WRAP}})`, 'g'), '$1\n');
  return [
    '#!/bin/sh',
    `# vps-rescue ${run}: one command through the startup script; the metadata is restored afterwards`,
    `d=/var/lib/vps-rescue; f=$d/startup-${run}.done`,
    '[ -e "$f" ] && exit 0',
    'mkdir -p -m 700 $d && : > "$f" && chmod 600 "$f"',
    `w=$(mktemp -d) || exit 1`,
    `base64 -d > "$w/p" <<'VR_PROGRAM'`,
    encoded,
    'VR_PROGRAM',
    '/bin/sh < "$w/p" > "$w/o" 2>&1; rc=$?',
    `base64 -w ${WRAP} "$w/o" | awk '{print "VR-${run} o " NR " " $0} END {print "VR-${run} end '"$rc"' " NR}' > "$w/r"`,
    'cat "$w/r"; [ -w /dev/ttyS0 ] && cat "$w/r" > /dev/ttyS0 2>/dev/null',
    'rm -rf "$w"',
    '',
  ].join('\n');
}

/** The command's output and exit code from the serial port text, once every numbered line has arrived. */
export function parseRun(run: string, serial: string): CommandResult | undefined {
  const chunks = new Map<number, string>();
  let end: { exitCode: number; lines: number } | undefined;
  const line = new RegExp(`VR-${run} (?:o (\\d+) ([A-Za-z0-9+/=]*)|end (\\d+) (\\d+))\\s*$`);
  for (const text of serial.split(/\r?\n/)) {
    const m = line.exec(text);
    if (!m) continue;
    if (m[1] !== undefined && !chunks.has(Number(m[1]))) chunks.set(Number(m[1]), m[2]!);
    if (m[3] !== undefined) end ??= { exitCode: Number(m[3]), lines: Number(m[4]) };
  }
  if (!end) return undefined;
  const parts: string[] = [];
  for (let n = 1; n <= end.lines; n++) {
    const chunk = chunks.get(n);
    if (chunk === undefined) return undefined;
    parts.push(chunk);
  }
  return {
    exitCode: end.exitCode,
    stdout: Buffer.from(parts.join(''), 'base64').toString('utf8'),
    stderr: '',
  };
}

/** Metadata items with `startup-script` set to `value` (or removed when undefined), others untouched. */
function withStartupScript(metadata: Metadata | null | undefined, value: string | undefined) {
  const items = (metadata?.items ?? [])
    .filter((i) => i.key !== KEY)
    .map((i) => ({ key: i.key, value: i.value }));
  if (value !== undefined) items.push({ key: KEY, value });
  return items;
}

/**
 * One command through a startup script: the script is set in the instance metadata (with its
 * fingerprint, so a concurrent change is not overwritten), the instance is reset, the output is read
 * back from the serial port output API, and the startup-script key is put back as it was (again with
 * the fingerprint then current). Every command is one reboot.
 */
export async function runThroughStartupScript(
  api: GcpApi,
  server: ServerRef,
  argv: string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const { ctx } = api;
  const lang = ctx.lang;
  const zone = String(server.vendor?.zone ?? server.location ?? '');
  const instance = server.name;
  const where = { project: api.project, zone, instance };
  if (argv.length !== 1 || argv[0] !== '/bin/sh')
    throw precondition(gcp.id, 'run commands', 'only /bin/sh with the program on stdin');
  // Metadata is readable by every process on the instance (the metadata server), by project
  // viewers and in the audit log: a program carrying a secret (a password to set) never goes there.
  if (mask(options.input ?? '') !== (options.input ?? ''))
    throw precondition(gcp.id, 'run commands', t(lang, 'providers.hint.gcp-startup-secret'));
  const settings = await readSettings(api, server);
  if (settings.instance.status !== 'RUNNING')
    throw consoleUnavailable(
      'serial',
      server,
      t(lang, 'providers.hint.gcp-not-running', { instance, status: String(settings.instance.status) }),
    );
  const original = settings.instance.metadata;
  // Which of the two the script runner prefers is not settled by public sources: not guessed here.
  if (original?.items?.some((i) => i.key === 'startup-script-url'))
    throw precondition(gcp.id, 'run commands', t(lang, 'providers.hint.gcp-startup-url', { instance, zone }));
  const before = original?.items?.find((i) => i.key === KEY)?.value ?? undefined;
  const run = randomBytes(6).toString('hex');
  const [start] = await api.call(
    'read serial port output',
    () => api.instances.getSerialPortOutput({ ...where, port: 1 }, api.callOptions),
    { idempotent: true },
  );
  let next = String(start.next ?? '0');

  // Said once, before the first reset; each command then says its metadata is back.
  const count = (runs.get(api) ?? 0) + 1;
  runs.set(api, count);
  if (count === 1) ctx.notice?.(t(lang, 'providers.hint.gcp-startup-reboots', { instance }));
  await setMetadata(
    api,
    where,
    original?.fingerprint ?? undefined,
    withStartupScript(original, startupScript(run, options.input ?? '')),
  );
  let result: CommandResult | undefined;
  try {
    await operation(api, zone, 'reset instance', () => api.instances.reset(where, api.callOptions));
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let seen = '';
    while (!result) {
      const [out] = await api.call(
        'read serial port output',
        () => api.instances.getSerialPortOutput({ ...where, port: 1, start: next }, api.callOptions),
        { idempotent: true },
      );
      seen += out.contents ?? '';
      next = String(out.next ?? next);
      result = parseRun(run, seen);
      if (result) break;
      if (Date.now() > deadline)
        throw consoleUnavailable(
          'serial',
          server,
          t(lang, 'providers.hint.gcp-startup-timeout', {
            seconds: Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000),
          }),
        );
      await sleep(ctx.pollIntervalMs ?? 2000);
    }
  } finally {
    await restore(api, server, before, count);
  }
  return result;
}

/** Puts `startup-script` back as it was; says so, or says how to do it by hand. */
async function restore(
  api: GcpApi,
  server: ServerRef,
  before: string | undefined,
  count: number,
): Promise<void> {
  const zone = String(server.vendor?.zone ?? server.location ?? '');
  const where = { project: api.project, zone, instance: server.name };
  try {
    const [now] = await api.call('get instance', () => api.instances.get(where, api.callOptions), {
      idempotent: true,
    });
    await setMetadata(
      api,
      where,
      now.metadata?.fingerprint ?? undefined,
      withStartupScript(now.metadata, before),
    );
    api.ctx.notice?.(
      t(api.ctx.lang, 'providers.hint.gcp-metadata-restored', { instance: server.name, count }),
    );
  } catch (err) {
    const e = gcpError(err, 'restore metadata');
    const reason = mask(t(api.ctx.lang, `error.${e.code}` as never, e.params));
    api.ctx.notice?.(
      t(api.ctx.lang, 'providers.hint.gcp-metadata-not-restored', { instance: server.name, zone, reason }),
    );
    throw e;
  }
}

async function setMetadata(
  api: GcpApi,
  where: { project: string; zone: string; instance: string },
  fingerprint: string | undefined,
  items: { key?: string | null; value?: string | null }[],
): Promise<void> {
  await operation(api, where.zone, 'set metadata', () =>
    api.instances.setMetadata({ ...where, metadataResource: { fingerprint, items } }, api.callOptions),
  );
}

type OperationCall = () => Promise<unknown>;

/** Starts a zonal operation and waits until it is DONE; an operation error is provider.api. */
async function operation(api: GcpApi, zone: string, name: string, start: OperationCall): Promise<void> {
  const started = (await api.call(name, start, { idempotent: false })) as [
    { latestResponse?: unknown; name?: string },
  ];
  let op = (started[0].latestResponse ?? started[0]) as { name?: string; status?: unknown; error?: unknown };
  for (let i = 0; i < 60 && String(op.status) !== 'DONE'; i++) {
    const [waited] = await api.call(
      name,
      () =>
        api.zoneOperations.wait({ project: api.project, zone, operation: String(op.name) }, api.callOptions),
      { idempotent: true },
    );
    op = waited as typeof op;
  }
  const errors = (op.error as { errors?: { code?: string; message?: string }[] } | undefined)?.errors;
  if (String(op.status) !== 'DONE' || (errors && errors.length > 0)) {
    const detail = errors?.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ') ?? 'not done';
    throw new RescueError('provider.api', {
      provider: gcp.id,
      status: '-',
      operation: name,
      detail: `: ${mask(detail)}`,
    });
  }
}

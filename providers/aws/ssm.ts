import { randomBytes } from 'node:crypto';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t, type Lang } from '../../src/i18n/index.js';
import { sleep } from '../credentials.js';
import { precondition } from '../errors.js';
import { mask } from '../../src/secrets.js';
import { keyPairScript, openSealed, seal, type SealedInput } from '../sealed.js';
import type { CommandResult, RunCommandOptions, ServerRef } from '../types.js';
import type { RegionClients } from './clients.js';
import { aws } from './provider.js';
import { errorName, fromSdkError } from './sdk-errors.js';

/**
 * SSM Run Command: AWS-RunShellScript runs the `commands` parameter as root with /bin/sh and keeps
 * only the first 24,000 characters of stdout (8,000 of stderr) in GetCommandInvocation. Stdin does
 * not exist there, so the caller's input becomes a quoted here-document; output longer than fits is
 * left in a private directory on the instance and read back in base64 pages, then removed.
 */

/** Bytes printed directly: at most this many characters, well under the 24,000 / 8,000 caps. */
const DIRECT_STDOUT = 16_000;
const DIRECT_STDERR = 4_000;
/** One page of kept output: 12,000 bytes are 16,000 base64 characters. */
const PAGE = 12_000;

/** CommandInvocationStatus values after which nothing changes (Cancelling, Delayed, InProgress, Pending do). */
const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

const shq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function delimiterFor(text: string): string {
  const lines = new Set(text.split('\n'));
  for (;;) {
    const end = `VR_STDIN_${randomBytes(6).toString('hex')}`;
    if (!lines.has(end)) return end;
  }
}

/**
 * The shell text sent as `commands`: argv with the input as its stdin, output kept in a fresh
 * 0700 directory under /tmp whose random name fails to create if anything is already there. Small
 * output is printed and the directory removed; otherwise one marker line says how much there is.
 */
export function runScript(
  argv: string[],
  input: string | undefined,
  nonce: string,
  sealed?: { keyDir: string; input: SealedInput },
): string {
  const dir = `/tmp/.vr-ssm-${nonce}`;
  const command = `${argv.map(shq).join(' ')} >"$d/o" 2>"$d/e"`;
  let run: string[];
  if (sealed) {
    // The program, opened from its ciphertext in the key directory, and that directory gone at once.
    run = [`k=${sealed.keyDir}`, ...openSealed(sealed.input), `${command} <"$k/in"`, 'r=$?', 'rm -rf "$k"'];
  } else if (input === undefined) {
    run = [`${command} </dev/null`, 'r=$?'];
  } else {
    const end = delimiterFor(input);
    run = [`${command} <<'${end}'`, `${input.endsWith('\n') ? input : `${input}\n`}${end}`, 'r=$?'];
  }
  return [
    `d=${dir}`,
    'umask 077',
    'mkdir -m 700 "$d" || exit 125',
    ...run,
    'o=$(wc -c <"$d/o"); e=$(wc -c <"$d/e")',
    `if [ "$o" -le ${DIRECT_STDOUT} ] && [ "$e" -le ${DIRECT_STDERR} ]; then cat "$d/o"; cat "$d/e" >&2; rm -rf "$d"; exit $r; fi`,
    `echo "VR_PAGED_${nonce} $r $o $e"`,
    'exit $r',
  ].join('\n');
}

/** The agent appends its own line to stderr when the script exits non-zero; the exit code says it already. */
export function withoutAgentNote(stderr: string): string {
  return stderr.replace(/\n?failed to run commands: exit status \d+\s*$/, '');
}

export class SsmRunner {
  private readonly ready = new Set<string>();

  constructor(
    private readonly lang: Lang,
    private readonly pollIntervalMs: number,
  ) {}

  /** The instance must be a managed instance whose agent is online, or the command would queue for hours. */
  async assertManaged(clients: RegionClients, server: ServerRef): Promise<void> {
    if (this.ready.has(server.id)) return;
    if (server.status !== 'running') {
      throw precondition(
        aws.id,
        'run commands',
        t(this.lang, 'providers.hint.aws-not-running', { state: server.vendorStatus }),
      );
    }
    const info = await clients.ssm
      .send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [server.id] }] }),
      )
      .catch((err: unknown) => {
        throw fromSdkError(err, 'describe managed instance', this.lang);
      });
    const entry = info.InstanceInformationList?.find((i) => i.InstanceId === server.id);
    if (!entry) {
      throw precondition(
        aws.id,
        'run commands',
        t(this.lang, 'providers.hint.aws-ssm-unmanaged', { instance: server.id }),
      );
    }
    if (entry.PingStatus !== 'Online') {
      throw precondition(
        aws.id,
        'run commands',
        t(this.lang, 'providers.hint.aws-ssm-offline', {
          instance: server.id,
          ping: entry.PingStatus ?? '?',
          lastPing: entry.LastPingDateTime?.toISOString() ?? '?',
        }),
      );
    }
    this.ready.add(server.id);
  }

  async run(
    clients: RegionClients,
    server: ServerRef,
    argv: string[],
    options: RunCommandOptions,
  ): Promise<CommandResult> {
    await this.assertManaged(clients, server);
    const nonce = randomBytes(12).toString('hex');
    const timeoutMs = options.timeoutMs ?? 60_000;
    const sealed = await this.sealIfSecret(clients, server, options.input, nonce);
    const first = await this.invoke(
      clients,
      server,
      runScript(argv, options.input, nonce, sealed),
      timeoutMs,
    );
    const paged = new RegExp(`^VR_PAGED_${nonce} (\\d+) (\\d+) (\\d+)\\n?$`).exec(
      first.StandardOutputContent ?? '',
    );
    if (!paged) {
      return {
        exitCode: first.ResponseCode ?? -1,
        stdout: first.StandardOutputContent ?? '',
        stderr: withoutAgentNote(first.StandardErrorContent ?? ''),
      };
    }
    const dir = `/tmp/.vr-ssm-${nonce}`;
    const read = async (file: 'o' | 'e', size: number) => {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < size; offset += PAGE) {
        const page = await this.invoke(
          clients,
          server,
          `dd if=${dir}/${file} bs=${PAGE} skip=${offset / PAGE} count=1 2>/dev/null | base64`,
          timeoutMs,
        );
        chunks.push(Buffer.from((page.StandardOutputContent ?? '').replace(/\s+/g, ''), 'base64'));
      }
      return Buffer.concat(chunks).toString('utf8');
    };
    try {
      const stdout = await read('o', Number(paged[2]));
      const stderr = await read('e', Number(paged[3]));
      return { exitCode: Number(paged[1]), stdout, stderr };
    } finally {
      await this.invoke(clients, server, `rm -rf ${dir}`, 30_000).catch(() => undefined);
    }
  }

  /**
   * A program that holds a registered secret is sent sealed to a key pair the instance makes first
   * (sealed.ts); any other goes as it is. Without openssl on the instance the secret is not sent.
   */
  private async sealIfSecret(
    clients: RegionClients,
    server: ServerRef,
    input: string | undefined,
    nonce: string,
  ): Promise<{ keyDir: string; input: SealedInput } | undefined> {
    if (input === undefined || mask(input) === input) return undefined;
    const keyDir = `/tmp/.vr-ssm-${nonce}.k`;
    const made = await this.invoke(clients, server, keyPairScript(keyDir), 60_000);
    const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(
      made.StandardOutputContent ?? '',
    )?.[0];
    if (made.ResponseCode !== 0 || !pem) {
      throw precondition(
        aws.id,
        'run commands',
        t(this.lang, 'providers.hint.aws-ssm-no-openssl', {
          instance: server.id,
          code: made.ResponseCode ?? -1,
        }),
      );
    }
    return { keyDir, input: seal(pem, input) };
  }

  /** One SendCommand and its invocation polled until it ends. */
  private async invoke(
    clients: RegionClients,
    server: ServerRef,
    script: string,
    timeoutMs: number,
  ): Promise<GetCommandInvocationCommandOutput> {
    const seconds = Math.max(30, Math.ceil(timeoutMs / 1000));
    const sent = await clients.ssm
      .send(
        new SendCommandCommand({
          InstanceIds: [server.id],
          DocumentName: 'AWS-RunShellScript',
          Comment: 'vps-rescue',
          Parameters: { commands: [script], executionTimeout: [String(seconds)] },
          TimeoutSeconds: 60,
        }),
      )
      .catch((err: unknown) => {
        throw fromSdkError(err, 'send command', this.lang);
      });
    const commandId = sent.Command?.CommandId;
    if (!commandId)
      throw new RescueError('provider.api', {
        provider: aws.id,
        status: '-',
        operation: 'send command',
        detail: ': no CommandId',
      });
    const deadline = Date.now() + timeoutMs + 30_000;
    for (let i = 0; ; i++) {
      await sleep(Math.min(this.pollIntervalMs, 100 * 2 ** i));
      let got: GetCommandInvocationCommandOutput | undefined;
      try {
        got = await clients.ssm.send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: server.id }),
        );
      } catch (err) {
        // Right after SendCommand the invocation may not exist yet.
        if (errorName(err) !== 'InvocationDoesNotExist')
          throw fromSdkError(err, 'read command result', this.lang);
      }
      if (got?.Status && TERMINAL.has(got.Status)) return this.settled(got, timeoutMs);
      if (Date.now() > deadline) {
        throw new RescueError('provider.timeout', {
          provider: aws.id,
          operation: 'run command',
          seconds: Math.round(timeoutMs / 1000),
        });
      }
    }
  }

  private settled(
    got: GetCommandInvocationCommandOutput,
    timeoutMs: number,
  ): GetCommandInvocationCommandOutput {
    if (got.Status === 'Success' || (got.Status === 'Failed' && (got.ResponseCode ?? -1) >= 0)) return got;
    if (got.Status === 'TimedOut' && got.StatusDetails !== 'DeliveryTimedOut') {
      throw new RescueError('provider.timeout', {
        provider: aws.id,
        operation: 'run command',
        seconds: Math.round(timeoutMs / 1000),
      });
    }
    throw precondition(
      aws.id,
      'run commands',
      t(this.lang, 'providers.hint.aws-ssm-failed', {
        status: got.Status ?? '?',
        detail: got.StatusDetails ?? '-',
      }),
    );
  }
}

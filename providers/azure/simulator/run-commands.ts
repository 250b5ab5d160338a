import { randomUUID } from 'node:crypto';
import type { SimServer } from '../../../lab/simulator/servers.js';
import { RUN_COMMAND_OUTPUT_BYTES } from '../run-command.js';

/**
 * Run Command as the Linux VM agent carries it out: the script lines written to a file and run by
 * sh as root (here through the lab server's root back door, standing in for waagent), each stream
 * cut to its last 4,096 bytes, both joined into the extension's one status message.
 */
interface Operation {
  vm: string;
  startTime: string;
  endTime?: string;
  result?: { stdout: string; stderr: string; code: number };
}

const tail = (text: string) => {
  const bytes = Buffer.from(text);
  return bytes.subarray(Math.max(0, bytes.length - RUN_COMMAND_OUTPUT_BYTES)).toString('utf8');
};

export class RunCommands {
  private readonly ops = new Map<string, Operation>();

  /** Starts the script; resolves with the operation id once it ended or after `waitMs`, whichever first. */
  async start(server: SimServer, lines: string[], waitMs: number): Promise<string> {
    const id = randomUUID();
    const op: Operation = { vm: server.name, startTime: new Date().toISOString() };
    this.ops.set(id, op);
    const script = `${lines.join('\n')}\n`;
    const run = server.exec!(
      `exec sh -c 'f=$(mktemp) && cat > "$f" && sh "$f" </dev/null; r=$?; rm -f "$f"; exit $r'`,
      { input: script, timeoutMs: 600_000 },
    ).then(
      (r) => {
        op.result = { stdout: r.stdout, stderr: r.stderr, code: r.code };
        op.endTime = new Date().toISOString();
      },
      (err: unknown) => {
        op.result = { stdout: '', stderr: `${(err as Error).message}\n`, code: 127 };
        op.endTime = new Date().toISOString();
      },
    );
    await Promise.race([run, new Promise((resolve) => setTimeout(resolve, waitMs))]);
    return id;
  }

  /** ARM's async operation status (OperationStatusResult). */
  status(id: string): Record<string, unknown> | undefined {
    const op = this.ops.get(id);
    if (!op) return undefined;
    return {
      name: id,
      startTime: op.startTime,
      ...(op.endTime ? { endTime: op.endTime } : {}),
      status: op.result ? 'Succeeded' : 'InProgress',
    };
  }

  /** The RunCommandResult once the script ended (and the operation forgotten), else undefined. */
  result(id: string): Record<string, unknown> | undefined {
    const op = this.ops.get(id);
    if (!op?.result) return undefined;
    this.ops.delete(id);
    return resultBody(op.result);
  }

  done(id: string): boolean {
    return this.ops.get(id)?.result !== undefined;
  }

  /** The result of an operation that ended while the POST waited (answered 200 at once). */
  take(id: string): Record<string, unknown> {
    return this.result(id)!;
  }
}

function resultBody(r: { stdout: string; stderr: string }): Record<string, unknown> {
  return {
    value: [
      {
        code: 'ProvisioningState/succeeded',
        level: 'Info',
        displayStatus: 'Provisioning succeeded',
        message: `Enable succeeded: \n[stdout]\n${tail(r.stdout)}\n[stderr]\n${tail(r.stderr)}`,
      },
    ],
  };
}

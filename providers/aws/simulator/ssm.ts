import { randomUUID } from 'node:crypto';
import type { AwsReply } from './api.js';
import type { SimInstance } from './model.js';

/**
 * SSM Run Command as the agent runs AWS-RunShellScript: the `commands` lines written to a script
 * file and run by /bin/sh as root, stdin empty; GetCommandInvocation keeps the first 24,000
 * characters of stdout and 8,000 of stderr. In the lab the server's root back door stands in for
 * the agent. `guestAgent = false` is an agent that stopped answering (PingStatus ConnectionLost).
 */
const STDOUT_CAP = 24_000;
const STDERR_CAP = 8_000;

interface Invocation {
  commandId: string;
  instanceId: string;
  status: 'InProgress' | 'Success' | 'Failed' | 'TimedOut';
  details: string;
  code: number;
  stdout: string;
  stderr: string;
}

const reply = (status: number, body: unknown): AwsReply => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/x-amz-json-1.1',
});

const online = (i: SimInstance) => i.server.guestAgent && !!i.server.exec;

export class SsmCommands {
  private readonly invocations = new Map<string, Invocation>();
  /** Every script the agent ran, for tests. */
  readonly scripts: string[] = [];

  handle(
    operation: string,
    input: Record<string, unknown>,
    instances: SimInstance[],
  ): AwsReply | Promise<AwsReply> {
    switch (operation) {
      case 'DescribeInstanceInformation':
        return this.describe(input, instances);
      case 'SendCommand':
        return this.send(input, instances);
      case 'GetCommandInvocation':
        return this.get(input);
      default:
        return reply(400, { __type: 'UnknownOperationException' });
    }
  }

  private describe(input: Record<string, unknown>, instances: SimInstance[]): AwsReply {
    const filters = (input.Filters ?? []) as { Key: string; Values: string[] }[];
    const ids = filters.find((f) => f.Key === 'InstanceIds')?.Values;
    const list = instances
      .filter((i) => !ids || ids.includes(i.id))
      .map((i) => ({
        InstanceId: i.id,
        PingStatus: online(i) ? 'Online' : 'ConnectionLost',
        LastPingDateTime: Date.now() / 1000 - (online(i) ? 30 : 3600),
        AgentVersion: '3.3.1957.0',
        PlatformType: 'Linux',
        PlatformName: 'Debian GNU/Linux',
        ResourceType: 'EC2Instance',
        IPAddress: i.privateIp,
        ComputerName: i.privateDns,
      }));
    return reply(200, { InstanceInformationList: list });
  }

  private send(input: Record<string, unknown>, instances: SimInstance[]): AwsReply {
    if (input.DocumentName !== 'AWS-RunShellScript')
      return reply(400, { __type: 'InvalidDocument', Message: 'Document not found' });
    const ids = (input.InstanceIds ?? []) as string[];
    const instance = instances.find((i) => i.id === ids[0]);
    if (ids.length !== 1 || !instance) return reply(400, { __type: 'InvalidInstanceId' });
    const params = (input.Parameters ?? {}) as { commands?: string[]; executionTimeout?: string[] };
    const script = (params.commands ?? []).join('\n');
    const commandId = randomUUID();
    const inv: Invocation = {
      commandId,
      instanceId: instance.id,
      status: 'InProgress',
      details: 'InProgress',
      code: -1,
      stdout: '',
      stderr: '',
    };
    this.invocations.set(commandId, inv);
    if (!online(instance)) {
      Object.assign(inv, { status: 'TimedOut', details: 'DeliveryTimedOut' });
    } else {
      this.scripts.push(script);
      const timeoutMs = Number(params.executionTimeout?.[0] ?? 3600) * 1000;
      // The agent's own layout: the document's script file under /var/lib/amazon/ssm, root only.
      const runner = [
        'd=/var/lib/amazon/ssm/orchestration/$$',
        'mkdir -p -m 700 "$d" && cat >"$d/_script.sh" || exit 126',
        'sh "$d/_script.sh" </dev/null; r=$?',
        'rm -rf "$d"; exit $r',
      ].join('\n');
      void instance.server.exec!(runner, { input: script, timeoutMs }).then(
        (r) => this.finish(inv, r.code, r.stdout, r.stderr),
        (err: unknown) => this.finish(inv, 1, '', (err as Error).message),
      );
    }
    return reply(200, {
      Command: {
        CommandId: commandId,
        DocumentName: 'AWS-RunShellScript',
        Comment: input.Comment ?? '',
        Parameters: params,
        InstanceIds: ids,
        RequestedDateTime: Date.now() / 1000,
        Status: 'Pending',
        StatusDetails: 'Pending',
        TimeoutSeconds: input.TimeoutSeconds ?? 3600,
        TargetCount: 1,
      },
    });
  }

  private finish(inv: Invocation, code: number, stdout: string, stderr: string): void {
    const failed = code !== 0;
    // The agent adds its own line to stderr when the script fails.
    const err = failed ? `${stderr}failed to run commands: exit status ${code}` : stderr;
    Object.assign(inv, {
      status: failed ? 'Failed' : 'Success',
      details: failed ? 'Failed' : 'Success',
      code,
      stdout: stdout.slice(0, STDOUT_CAP),
      stderr: err.slice(0, STDERR_CAP),
    });
  }

  private get(input: Record<string, unknown>): AwsReply {
    const inv = this.invocations.get(String(input.CommandId));
    if (!inv || inv.instanceId !== input.InstanceId) return reply(400, { __type: 'InvocationDoesNotExist' });
    return reply(200, {
      CommandId: inv.commandId,
      InstanceId: inv.instanceId,
      DocumentName: 'AWS-RunShellScript',
      PluginName: 'aws:runShellScript',
      ResponseCode: inv.code,
      Status: inv.status,
      StatusDetails: inv.details,
      StandardOutputContent: inv.stdout,
      StandardOutputUrl: '',
      StandardErrorContent: inv.stderr,
      StandardErrorUrl: '',
    });
  }
}

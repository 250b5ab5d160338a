import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { RescueError } from '../../errors/rescue-error.js';
import { describeEndpoint, type SshGatewayEndpoint } from '../endpoint.js';
import { BaseTransport, toBuffer } from './types.js';

export function hostKeySha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A serial console behind an SSH gateway (Linode Lish, EC2 serial console, GCP serial port): an
 * interactive channel with a pty, whose bytes are the serial port's.
 */
export class SshGatewayTransport extends BaseTransport {
  readonly description: string;

  private constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    endpoint: SshGatewayEndpoint,
  ) {
    super();
    this.description = describeEndpoint(endpoint);
    channel.on('data', (chunk: Buffer) => this.emitData(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.emitData(chunk));
    channel.on('close', () => this.emitClose('ssh channel closed'));
    client.on('close', () => this.emitClose('ssh connection closed'));
    client.on('error', (err) => this.emitClose(err.message));
  }

  static async open(
    endpoint: SshGatewayEndpoint,
    opts: { timeoutMs?: number; cols?: number; rows?: number } = {},
  ): Promise<SshGatewayTransport> {
    const where = describeEndpoint(endpoint);
    const client = new Client();
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username,
      readyTimeout: opts.timeoutMs ?? 15_000,
      // Gateways that only offer keyboard-interactive get the password there.
      tryKeyboard: endpoint.password !== undefined,
    };
    if (endpoint.password !== undefined) config.password = endpoint.password;
    if (endpoint.privateKey !== undefined) config.privateKey = endpoint.privateKey;
    if (endpoint.agent !== undefined) config.agent = endpoint.agent;
    if (endpoint.hostKeySha256) {
      const expected = endpoint.hostKeySha256.replace(/=+$/, '');
      config.hostVerifier = (key: Buffer) => hostKeySha256(key) === expected;
    }
    client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => {
      finish(prompts.map(() => endpoint.password ?? ''));
    });
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err: Error & { level?: string }) => {
        const reason = err.level === 'client-authentication' ? 'authentication refused' : err.message;
        reject(new RescueError('console.connect', { endpoint: where, reason }, { cause: err }));
      });
      client.connect(config);
    });
    const pty = { term: 'vt100', cols: opts.cols ?? 80, rows: opts.rows ?? 24 };
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const cb = (err: Error | undefined, ch: ClientChannel) => {
        if (err) {
          client.end();
          reject(
            new RescueError('console.connect', { endpoint: where, reason: err.message }, { cause: err }),
          );
        } else resolve(ch);
      };
      if (endpoint.command) client.exec(endpoint.command, { pty }, cb);
      else client.shell(pty, cb);
    });
    return new SshGatewayTransport(client, channel, endpoint);
  }

  write(data: Uint8Array | string): void {
    if (!this.closed) this.channel.write(toBuffer(data));
  }

  override resize(cols: number, rows: number): void {
    if (!this.closed) this.channel.setWindow(rows, cols, 0, 0);
  }

  async close(): Promise<void> {
    this.emitClose('closed by us');
    this.channel.close();
    this.client.end();
  }
}

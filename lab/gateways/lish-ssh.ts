import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import { hostKeySha256 } from '../../src/console/transport/ssh-gateway.js';
import { ed25519KeyPair } from '../ssh2-keys.js';
import { joinChannel, LOOPBACK, onConsoleSessions, type ConsoleBackend } from './backend.js';

export interface LishGateway {
  host: string;
  port: number;
  username: string;
  /** SHA256:… of the gateway's host key, for the client to pin. */
  hostKeySha256: string;
  /** Commands (exec requests) received, e.g. the Linode label; a shell request records ''. */
  requests: string[];
  close(): Promise<void>;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * An SSH gateway that serves a console the way Linode Lish (or the EC2/GCP serial gateways) do:
 * authenticate, ask for a pty and a shell (or exec <label>), and the channel is the serial port.
 */
export async function startLishGateway(opts: {
  backend: ConsoleBackend;
  username?: string;
  password?: string;
  /** OpenSSH public key line accepted for publickey auth */
  publicKey?: string;
}): Promise<LishGateway> {
  const username = opts.username ?? 'lish';
  const hostKey = ed25519KeyPair();
  const parsedHost = ssh2.utils.parseKey(hostKey.private);
  if (parsedHost instanceof Error) throw parsedHost;
  const allowedKey = opts.publicKey ? ssh2.utils.parseKey(opts.publicKey) : undefined;
  const requests: string[] = [];
  const clients = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      if (!same(ctx.username, username)) return ctx.reject();
      if (ctx.method === 'password' && opts.password !== undefined && same(ctx.password, opts.password)) {
        return ctx.accept();
      }
      if (ctx.method === 'publickey' && allowedKey && !(allowedKey instanceof Error)) {
        const keyOk =
          ctx.key.algo === allowedKey.type && ctx.key.data.equals(allowedKey.getPublicSSH() as Buffer);
        if (keyOk && (!ctx.signature || allowedKey.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true)) {
          return ctx.accept();
        }
      }
      ctx.reject(['password', 'publickey']);
    });
    const open = async (channel: ServerChannel) => {
      if (await joinChannel(channel, opts.backend)) return;
      channel.stderr.write('console unavailable\r\n');
      channel.exit(1);
      channel.end();
    };
    onConsoleSessions(
      client,
      (channel, command) => {
        requests.push(command ?? '');
        void open(channel);
      },
      { exec: true },
    );
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    host: LOOPBACK,
    port,
    username,
    hostKeySha256: hostKeySha256(parsedHost.getPublicSSH() as Buffer),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

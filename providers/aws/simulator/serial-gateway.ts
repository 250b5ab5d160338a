import type { Server as NetServer } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import {
  joinChannel,
  LOOPBACK,
  onConsoleSessions,
  unixSocketBackend,
} from '../../../lab/gateways/backend.js';
import { ed25519KeyPair } from '../../../lab/ssh2-keys.js';
import { hostKeySha256 } from '../../../src/console/transport/ssh-gateway.js';
import type { AwsApi } from './api.js';

/**
 * The EC2 serial console's SSH gateway: user `<instance-id>.port0`, public key only, and only a key
 * EC2 Instance Connect was given for that instance in the last 60 s; the channel is the instance's
 * serial port (the lab server's console socket). One session per instance at a time.
 */
export interface SerialGateway {
  host: string;
  port: number;
  hostKeySha256: string;
  close(): Promise<void>;
}

export async function startSerialGateway(api: AwsApi): Promise<SerialGateway> {
  const hostKey = ed25519KeyPair();
  const parsedHost = ssh2.utils.parseKey(hostKey.private);
  if (parsedHost instanceof Error) throw parsedHost;
  const clients = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    clients.add(client);
    let instanceId = '';
    client.on('close', () => {
      clients.delete(client);
      if (instanceId) api.serialSessions.delete(instanceId);
    });
    client.on('authentication', (ctx) => {
      const id = /^(i-[0-9a-f]+)\.port0$/.exec(ctx.username)?.[1];
      if (!id || ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const now = Date.now();
      const ok = api.keys.some((k) => {
        if (k.instanceId !== id || k.expiresAt < now) return false;
        const allowed = ssh2.utils.parseKey(k.publicKey);
        if (allowed instanceof Error) return false;
        if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH() as Buffer))
          return false;
        return !ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
      });
      if (!ok) return ctx.reject(['publickey']);
      if (ctx.signature) {
        instanceId = id;
        api.serialSessions.add(id);
      }
      ctx.accept();
    });
    onConsoleSessions(client, (channel) => void open(channel));
    const open = async (channel: ServerChannel) => {
      const instance = api.instances().find((i) => i.id === instanceId);
      if (instance && (await joinChannel(channel, unixSocketBackend(instance.server.consoleSocket)))) return;
      channel.stderr.write('serial console unavailable\r\n');
      channel.exit(1);
      channel.end();
    };
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => (server as unknown as NetServer).listen(0, LOOPBACK, () => resolve()));
  const port = ((server as unknown as NetServer).address() as { port: number }).port;
  return {
    host: LOOPBACK,
    port,
    hostKeySha256: hostKeySha256(parsedHost.getPublicSSH() as Buffer),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

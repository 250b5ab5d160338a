import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import {
  joinChannel,
  LOOPBACK,
  onConsoleSessions,
  unixSocketBackend,
} from '../../../lab/gateways/backend.js';
import { ed25519KeyPair } from '../../../lab/ssh2-keys.js';
import { LAB_ZONE, type SimProject } from './state.js';

export interface SerialGateway {
  host: string;
  port: number;
  /** The gateway's host key as an OpenSSH public key line (what Google publishes per region). */
  hostPublicKey: string;
  /** Usernames that asked for a console, in order. */
  sessions: string[];
  close(): Promise<void>;
}

/** `<project>.<zone>.<instance>.<user>[.port=N][.options]`, as the serial port gateway reads it. */
function parseUsername(username: string) {
  const parts = username.split('.');
  if (parts.length < 4) return undefined;
  const [project, zone, instance, user, ...options] = parts;
  const port = Number(options.find((o) => o.startsWith('port='))?.slice(5) ?? 1);
  return { project: project!, zone: zone!, instance: instance!, user: user!, port };
}

const truthy = (value: string | undefined) => /^(true|1|yes|y|on)$/i.test(value?.trim() ?? '');

/**
 * Google's interactive serial port gateway in the lab: publickey authentication against the ssh-keys
 * metadata (instance, then project unless block-project-ssh-keys), serial-port-enable checked per
 * connection, port 1 only, the channel spliced to the lab server's console socket.
 */
export async function startSerialGateway(project: SimProject): Promise<SerialGateway> {
  const hostKey = ed25519KeyPair();
  const sessions: string[] = [];
  const clients = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    let target: ReturnType<typeof parseUsername>;
    client.on('authentication', (ctx) => {
      target = parseUsername(ctx.username);
      const instance =
        target && target.project === project.account.project && target.zone === LAB_ZONE
          ? project.byName(target.instance)
          : undefined;
      if (ctx.method !== 'publickey' || !target || !instance) return ctx.reject(['publickey']);
      const lines = [instance.items.find((i) => i.key === 'ssh-keys')?.value ?? ''];
      if (!truthy(instance.items.find((i) => i.key === 'block-project-ssh-keys')?.value))
        lines.push(project.account.projectItems.find((i) => i.key === 'ssh-keys')?.value ?? '');
      const offered = `${ctx.key.algo} ${ctx.key.data.toString('base64')}`;
      const known = lines
        .join('\n')
        .split('\n')
        .some(
          (line) =>
            line.startsWith(`${target!.user}:`) && line.slice(target!.user.length + 1).startsWith(offered),
        );
      if (!known) return ctx.reject(['publickey']);
      if (ctx.signature) {
        const parsed = ssh2.utils.parseKey(offered);
        if (parsed instanceof Error || parsed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true)
          return ctx.reject(['publickey']);
      }
      ctx.accept();
    });
    onConsoleSessions(client, (channel) => void open(channel));
    const open = async (channel: ServerChannel) => {
      const instance = target ? project.byName(target.instance) : undefined;
      const refuse = (text: string) => {
        channel.stderr.write(`${text}\r\n`);
        channel.exit(255);
        channel.end();
      };
      if (!instance || !target) return refuse('No such instance.');
      sessions.push(`${target.project}.${target.zone}.${target.instance}.${target.user}.port=${target.port}`);
      if (!truthy(project.value(instance, 'serial-port-enable')))
        return refuse('Serial port access is disabled for this instance (serial-port-enable).');
      if (target.port !== 1) return refuse(`Serial port ${target.port} is not connected in the lab.`);
      if (!(await joinChannel(channel, unixSocketBackend(instance.server.consoleSocket))))
        return refuse('The instance is not running.');
    };
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    host: LOOPBACK,
    port,
    hostPublicKey: hostKey.public,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

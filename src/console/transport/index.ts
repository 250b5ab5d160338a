import { RescueError } from '../../errors/rescue-error.js';
import { registerSecret } from '../../secrets.js';
import type { ConsoleEndpoint } from '../endpoint.js';
import { openLocal } from './local.js';
import { NovaWsTransport } from './nova-ws.js';
import { SshGatewayTransport } from './ssh-gateway.js';
import { TermproxyTransport } from './termproxy-ws.js';
import { VncTransport } from '../vnc/vnc-transport.js';
import type { ByteTransport } from './types.js';

export type { ByteTransport } from './types.js';

export async function openTransport(endpoint: ConsoleEndpoint): Promise<ByteTransport> {
  switch (endpoint.kind) {
    case 'serial-ws':
      return NovaWsTransport.open(endpoint);
    case 'termproxy-ws':
      return TermproxyTransport.open(endpoint);
    case 'serial-ssh':
      return SshGatewayTransport.open(endpoint);
    case 'local':
      return openLocal(endpoint.url);
    case 'vnc-ws':
      return VncTransport.open(endpoint);
  }
}

export interface ConnectSecrets {
  /** For ssh:// URLs: the gateway password and/or private key (never part of the URL). */
  password?: string;
  privateKey?: string;
}

/**
 * A `--connect` URL as an endpoint:
 *   ws://… wss://…                        nova-serialproxy / ConoHa (token in the query)
 *   termproxy+wss://USER@host:8006/…?vncticket=…   Proxmox (USER percent-encoded, e.g. root%40pam)
 *   ssh://user@host:port[/command]        SSH gateway
 *   unix:/path  tcp://127.0.0.1:port  pty:/dev/pts/N   local
 * Every query value and the ticket are registered as secrets before anything can print them.
 */
export function parseConnectUrl(raw: string, secrets: ConnectSecrets = {}): ConsoleEndpoint {
  if (raw.startsWith('unix:') || raw.startsWith('tcp://') || raw.startsWith('pty:')) {
    return { kind: 'local', url: raw };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RescueError('usage', { message: 'the console URL cannot be parsed' });
  }
  for (const value of url.searchParams.values()) registerSecret(value);
  if (url.password) registerSecret(decodeURIComponent(url.password));
  switch (url.protocol) {
    case 'ws:':
    case 'wss:':
      return { kind: 'serial-ws', url: raw };
    case 'termproxy+ws:':
    case 'termproxy+wss:': {
      const ticket = url.searchParams.get('vncticket') ?? url.searchParams.get('ticket');
      const user = decodeURIComponent(url.username);
      if (!ticket || !user) {
        throw new RescueError('usage', { message: 'a termproxy URL needs USER@ and ?vncticket=' });
      }
      const wsUrl = new URL(url.toString().replace(/^termproxy\+/, ''));
      wsUrl.username = '';
      wsUrl.password = '';
      return { kind: 'termproxy-ws', url: wsUrl.toString(), user, ticket };
    }
    case 'ssh:': {
      if (!url.username) throw new RescueError('usage', { message: 'an ssh console URL needs user@' });
      const command = decodeURIComponent(url.pathname.replace(/^\//, ''));
      return {
        kind: 'serial-ssh',
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : 22,
        username: decodeURIComponent(url.username),
        ...(command ? { command } : {}),
        ...(secrets.password !== undefined ? { password: secrets.password } : {}),
        ...(secrets.privateKey !== undefined ? { privateKey: secrets.privateKey } : {}),
      };
    }
    default:
      throw new RescueError('usage', { message: `unsupported console URL scheme ${url.protocol}` });
  }
}

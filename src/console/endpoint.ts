import { mask } from '../secrets.js';

/**
 * Where a console is and how to speak to it: what a provider adapter returns from openConsole() and
 * what the console engine's transports connect to. Secret fields are marked: they are registered
 * with the secret masker by whoever creates the endpoint and never printed.
 */
export type ConsoleEndpoint =
  NovaSerialEndpoint | TermproxyEndpoint | SshGatewayEndpoint | VncWebsocketEndpoint | LocalEndpoint;

/** OpenStack nova-serialproxy / ConoHa: raw bytes in binary websocket frames, token in the URL. */
export interface NovaSerialEndpoint {
  kind: 'serial-ws';
  /** ws:// or wss:// URL as the API returned it; its token is secret. */
  url: string;
  headers?: Record<string, string>;
  /** Subprotocols to offer; default ['binary'] (websockify). Azure's serial console gateway takes none. */
  protocols?: string[];
  /** Send text frames instead of binary ones (Azure's gateway, as its own CLI talks to it). */
  textFrames?: boolean;
  /** PEM text of the CAs to trust instead of the system's (a private cloud, the lab). */
  ca?: string;
}

/** Proxmox termproxy over vncwebsocket. */
export interface TermproxyEndpoint {
  kind: 'termproxy-ws';
  url: string;
  /** e.g. root@pam or root@pam!token */
  user: string;
  /** secret: the VNC ticket, also sent as the first message */
  ticket: string;
  /** secret: the API auth header used for the websocket upgrade */
  headers?: Record<string, string>;
  /** Proxmox uses self-signed certificates; the adapter decides, from the user's settings. */
  insecureTls?: boolean;
}

/** Serial console behind an SSH gateway (Linode Lish, EC2 serial console, GCP serial port). */
export interface SshGatewayEndpoint {
  kind: 'serial-ssh';
  host: string;
  port: number;
  username: string;
  /** What to ask the gateway for (e.g. the Linode label); undefined = interactive shell. */
  command?: string;
  /** secret */
  password?: string;
  /** secret: PEM/OpenSSH private key text */
  privateKey?: string;
  /** An SSH agent's socket (SSH_AUTH_SOCK) whose keys are offered too. */
  agent?: string;
  /** Expected host key fingerprint (SHA256:...), when the vendor publishes one. */
  hostKeySha256?: string;
}

/**
 * VNC (RFB) over websocket (ws://, wss://: Hetzner request_console, OpenStack/ConoHa noVNC), or over
 * plain TCP when the URL is vnc://host:port (Sakura Cloud's VNC proxy).
 */
export interface VncWebsocketEndpoint {
  kind: 'vnc-ws';
  url: string;
  /** secret: VNC auth password, when the server asks for one */
  password?: string;
  headers?: Record<string, string>;
  /** Self-signed certificates (Proxmox); the adapter decides, from the user's settings. */
  insecureTls?: boolean;
}

/** A local byte stream: unix socket, TCP socket or a pty device (libvirt/QEMU serial, the lab). */
export interface LocalEndpoint {
  kind: 'local';
  url: string; // unix:/path, tcp://127.0.0.1:port, pty:/dev/pts/N
}

export type ConsoleKind = 'serial' | 'vnc';

export function endpointKind(endpoint: ConsoleEndpoint): ConsoleKind {
  return endpoint.kind === 'vnc-ws' ? 'vnc' : 'serial';
}

/** A printable description of an endpoint with every secret left out (for errors and reports). */
export function describeEndpoint(endpoint: ConsoleEndpoint): string {
  switch (endpoint.kind) {
    case 'serial-ssh':
      return `ssh://${endpoint.username}@${endpoint.host}:${endpoint.port}`;
    case 'local':
      return endpoint.url;
    default: {
      // Tokens and tickets travel in the query, the user-info and the fragment: none is shown.
      const url = new URL(endpoint.url);
      return mask(`${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`);
    }
  }
}

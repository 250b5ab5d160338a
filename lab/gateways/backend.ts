import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Connection, ServerChannel } from 'ssh2';

/**
 * What a gateway serves: a byte stream to a console. A function is called once per client
 * connection (a provider's proxy opens the serial port per session); a stream is shared.
 */
export type ConsoleBackend = Duplex | (() => Duplex | Promise<Duplex>);

export async function backendStream(backend: ConsoleBackend): Promise<Duplex> {
  return typeof backend === 'function' ? backend() : backend;
}

/** A lab server's console socket as a per-connection backend. */
export function unixSocketBackend(path: string): () => Promise<Duplex> {
  return () =>
    new Promise<Duplex>((resolve, reject) => {
      const socket = net.connect({ path });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
}

/** Gateways listen on loopback only. */
export const LOOPBACK = '127.0.0.1';

/** Pipes a client to a backend; a shared backend is detached (not destroyed) when the client leaves. */
export function splice(
  backend: Duplex,
  shared: boolean,
  toClient: (data: Buffer) => void,
  onBackendEnd: () => void,
): { write: (data: Buffer) => void; detach: () => void } {
  const onData = (data: Buffer) => toClient(data);
  backend.on('data', onData);
  backend.once('close', onBackendEnd);
  backend.on('error', onBackendEnd);
  return {
    write: (data) => {
      if (!backend.destroyed) backend.write(data);
    },
    detach: () => {
      backend.off('data', onData);
      backend.off('close', onBackendEnd);
      backend.off('error', onBackendEnd);
      if (!shared) backend.destroy();
    },
  };
}

/** The part of an SSH session channel a gateway needs (ssh2's ServerChannel). */
interface SshChannel {
  write(data: Buffer): unknown;
  end(): unknown;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * Joins an SSH gateway's session channel to a console backend until either side ends; false when
 * the backend could not be reached (the caller says why, in its vendor's words).
 */
export async function joinChannel(channel: SshChannel, backend: ConsoleBackend): Promise<boolean> {
  let stream: Duplex;
  try {
    stream = await backendStream(backend);
  } catch {
    return false;
  }
  const link = splice(
    stream,
    typeof backend !== 'function',
    (data) => channel.write(data),
    () => channel.end(),
  );
  channel.on('data', (data: Buffer) => link.write(data));
  channel.on('close', () => link.detach());
  return true;
}

/**
 * An SSH console gateway's sessions: terminal requests granted, each shell handed to `open` with its
 * channel, and each exec with its command where the vendor's gateway takes one (Lish does).
 */
export function onConsoleSessions(
  client: Connection,
  open: (channel: ServerChannel, command?: string) => void,
  opts: { exec?: boolean } = {},
): void {
  client.on('ready', () => {
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (ok) => ok?.());
      session.on('window-change', (ok) => ok?.());
      session.on('shell', (acceptShell) => open(acceptShell()));
      if (opts.exec) session.on('exec', (acceptExec, _reject, info) => open(acceptExec(), info.command));
    });
  });
}

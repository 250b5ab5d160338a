import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that is free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A VNC display number whose port (5900+N) and websocket port are free. */
export async function freeVncDisplay(): Promise<number> {
  for (let n = 40 + (process.pid % 50); n < 200; n++) {
    if (await isFree(5900 + n)) return n;
  }
  throw new Error('no free VNC display on 127.0.0.1');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Waits until QEMU listens on 127.0.0.1:`port`; fails at once when it exited, with its stderr. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  alive: () => boolean,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (open) return;
    if (!alive() || Date.now() > deadline) {
      throw new Error(`QEMU did not open 127.0.0.1:${port}: ${stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

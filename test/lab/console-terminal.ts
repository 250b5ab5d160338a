import { PassThrough } from 'node:stream';
import type { BareQemu } from '../../lab/vm/bare-qemu.js';
import { consoleIo } from '../../src/cli/commands/console.js';

/** A terminal of our own for an in-process `vps-rescue console`: what is typed, and all it has shown. */
export function consoleTerminal(): { input: PassThrough; err: string[]; shown: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  consoleIo.get = () => ({ input, output });
  return { input, err: [], shown: () => shown };
}

/** A simulated server whose only console is a VNC screen (its serial socket does not exist). */
export function vncOnlyServer(qemu: Pick<BareQemu, 'vncPort' | 'password'>, name: string, address: string) {
  return {
    name,
    address,
    consoleSocket: '/nonexistent/console.sock',
    vnc: { host: '127.0.0.1', port: qemu.vncPort, password: qemu.password },
  };
}

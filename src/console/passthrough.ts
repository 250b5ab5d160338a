import type { ByteTransport } from './transport/types.js';

export interface PassthroughIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
  /** The byte that ends the passthrough (default 0x1d, Ctrl-]). */
  escape?: number;
  /** Watch only: nothing typed is sent; Ctrl-C ends it as well as the escape key. */
  readOnly?: boolean;
}

export type PassthroughEnd = { by: 'escape' } | { by: 'closed'; reason: string };

/**
 * A person takes over the console: keystrokes go to the remote unchanged (raw mode), console bytes go
 * to the terminal unchanged, until the escape key or the remote closes. Nothing is recorded here.
 */
export function passthrough(transport: ByteTransport, io: PassthroughIo): Promise<PassthroughEnd> {
  const escape = io.escape ?? 0x1d;
  if (io.input.isTTY) io.input.setRawMode?.(true);
  return new Promise<PassthroughEnd>((resolve) => {
    const offData = transport.onData((chunk) => io.output.write(chunk));
    const finish = (end: PassthroughEnd) => {
      offData();
      offClose();
      io.input.off('data', onInput);
      io.input.off('end', onEnd);
      if (io.input.isTTY) io.input.setRawMode?.(false);
      io.input.pause?.();
      resolve(end);
    };
    const onInput = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (io.readOnly) {
        if (bytes.includes(escape) || bytes.includes(0x03)) finish({ by: 'escape' });
        return;
      }
      const at = bytes.indexOf(escape);
      if (at >= 0) {
        if (at > 0) transport.write(bytes.subarray(0, at));
        finish({ by: 'escape' });
        return;
      }
      transport.write(bytes);
    };
    const onEnd = () => finish({ by: 'escape' });
    const offClose = transport.onClose((reason) => finish({ by: 'closed', reason }));
    io.input.on('data', onInput);
    io.input.on('end', onEnd);
    io.input.resume?.();
  });
}

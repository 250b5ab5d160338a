import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openTransport } from '../../../src/console/transport/index.js';

/**
 * The serial websocket speaks as each gateway expects: websockify (Nova, ConoHa) wants the `binary`
 * subprotocol and binary frames; Azure's serial console gateway is spoken to as its own CLI does,
 * with no subprotocol and text frames.
 */
let server: WebSocketServer | undefined;
afterEach(() => server?.close());

async function gateway(): Promise<{
  url: string;
  seen: Promise<{ protocol: string; isBinary: boolean; data: string }>;
}> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (set) => [...set][0] ?? false,
  });
  server = wss;
  await new Promise((resolve) => wss.once('listening', resolve));
  const seen = new Promise<{ protocol: string; isBinary: boolean; data: string }>((resolve) => {
    wss.on('connection', (ws) => {
      ws.on('message', (data: Buffer, isBinary) =>
        resolve({ protocol: ws.protocol, isBinary, data: data.toString() }),
      );
      ws.send('login: ');
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/client?authorization=t`, seen };
}

describe('serial websocket frames', () => {
  it('default (websockify): subprotocol binary, binary frames', async () => {
    const gw = await gateway();
    const t = await openTransport({ kind: 'serial-ws', url: gw.url });
    t.write('root\r');
    expect(await gw.seen).toEqual({ protocol: 'binary', isBinary: true, data: 'root\r' });
    await t.close();
  });

  it('Azure: no subprotocol, text frames; what the gateway says at once is kept', async () => {
    const gw = await gateway();
    const t = await openTransport({ kind: 'serial-ws', url: gw.url, protocols: [], textFrames: true });
    let got = '';
    t.onData((d) => (got += d.toString()));
    t.write('root\r');
    expect(await gw.seen).toEqual({ protocol: '', isBinary: false, data: 'root\r' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got).toBe('login: ');
    await t.close();
  });
});

import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TermproxyTransport } from '../../../src/console/transport/termproxy-ws.js';
import { clearSecretsForTest } from '../../../src/secrets.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  clearSecretsForTest();
});

/**
 * Real termproxy prints the console's output at once after `OK`, often in the next frame of the same
 * TCP read: none of it may be lost while the transport takes over from the authentication step.
 */
describe('termproxy: output right after OK', () => {
  it('keeps the bytes in the OK frame and in frames sent in the same tick', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => {
      ws.once('message', () => {
        ws.send(Buffer.from('OKfirst|'));
        ws.send(Buffer.from('second|'));
        ws.send(Buffer.from('third'));
      });
    });
    await new Promise((r) => server!.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const t = await TermproxyTransport.open({
      kind: 'termproxy-ws',
      url: `ws://127.0.0.1:${port}/`,
      user: 'root@pam',
      ticket: 'PVEVNC:handoff-test',
    });
    let seen = '';
    t.onData((chunk) => (seen += chunk.toString()));
    await new Promise((r) => setTimeout(r, 100));
    await t.close();
    expect(seen).toBe('first|second|third');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { RfbClient } from '../../../src/console/vnc/rfb-client.js';
import { Keyboard } from '../../../src/console/vnc/keyboard.js';
import { FakeRfbServer } from './fake-rfb-server.js';

let server: FakeRfbServer | undefined;
let client: RfbClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('RfbClient against an in-process RFB 3.8 server', () => {
  it('handshakes without security, asks for 32 bpp and our encodings, and applies Raw rectangles', async () => {
    server = await FakeRfbServer.start({ width: 16, height: 8 });
    client = await RfbClient.connect({ url: server.url });
    expect(client.version).toBe('3.8');
    expect(client.name).toBe('fake');
    expect([client.fb.width, client.fb.height]).toEqual([16, 8]);
    expect(server.encodings).toEqual([0, -223, -258, -261]);
    await until(() => client!.extendedKeys);
    server.fill(2, 3, 4, 2, 0x123456);
    await until(() => client!.fb.get(2, 3) !== 0);
    expect(client.fb.get(2, 3)).toBe(0x123456);
    expect(client.fb.get(5, 4)).toBe(0x123456);
    expect(client.fb.get(6, 4)).toBe(0);
    // after every update the next request is incremental
    await until(() => server!.requests.some((r) => r.incremental));
  });

  it('speaks the same RFB over plain TCP (vnc://host:port), password and all', async () => {
    server = await FakeRfbServer.start({ width: 24, height: 10, password: 'tcp-pw' });
    const url = await server.listenTcp();
    client = await RfbClient.connect({ url, password: 'tcp-pw' });
    expect([client.fb.width, client.fb.height]).toEqual([24, 10]);
    server.fill(1, 1, 2, 2, 0xabcdef);
    await until(() => client!.fb.get(1, 1) !== 0);
    expect(client.fb.get(2, 2)).toBe(0xabcdef);
    await new Keyboard(client, { guest: 'us', server: 'us', holdMs: 0, gapMs: 0 }).type('a');
    await until(() => server!.keys.some((k) => k.down && k.keysym === 0x61));
    expect(server.keys.filter((k) => k.down).map((k) => k.keysym)).toEqual([0x61]);
  });

  it('answers VNC auth with the right DES response and reports a wrong password', async () => {
    server = await FakeRfbServer.start({ password: 's3cret' });
    client = await RfbClient.connect({ url: server.url, password: 's3cret' });
    expect(client.fb.width).toBe(16);
    client.close();
    await expect(RfbClient.connect({ url: server.url, password: 'wrong' })).rejects.toThrow(
      /authentication failed/i,
    );
    expect(server.authFailures).toBe(1);
    await expect(RfbClient.connect({ url: server.url })).rejects.toThrow(/asks for a password/);
  });

  it('follows DesktopSize and the LED state', async () => {
    server = await FakeRfbServer.start();
    client = await RfbClient.connect({ url: server.url });
    server.resize(32, 20);
    server.leds(4);
    await until(() => client!.fb.width === 32 && client!.leds === 4);
    expect(client.fb.height).toBe(20);
    expect(client.fb.pixels.length).toBe(640);
  });

  it('types through QEMU extended key events: scancodes, explicit Shift, Caps Lock cleared first', async () => {
    server = await FakeRfbServer.start();
    client = await RfbClient.connect({ url: server.url });
    await until(() => client!.extendedKeys);
    server.leds(4);
    await until(() => client!.leds === 4);
    const kb = new Keyboard(client, { guest: 'us', server: 'us', holdMs: 0, gapMs: 0 });
    await kb.type('aBCd');
    await until(() => server!.keys.length >= 14);
    const events = server.keys.map((k) => `${k.down ? '+' : '-'}${k.scancode!.toString(16)}`);
    // Caps Lock (0x3a) toggled off; Shift and Control released in case a release was lost before;
    // 'a' (0x1e); Shift (0x2a) held across 'B' (0x30) and 'C' (0x2e), released before 'd' (0x20).
    expect(events).toEqual([
      '+3a',
      '-3a',
      '-2a',
      '-1d',
      '+1e',
      '-1e',
      '+2a',
      '+30',
      '-30',
      '+2e',
      '-2e',
      '-2a',
      '+20',
      '-20',
    ]);
    expect(kb.counters.keys).toBe(4);
    expect(client.counters.keyEvents).toBe(14);
  });

  it('forces a refresh when the server stalls, then reconnects and keeps the framebuffer', async () => {
    server = await FakeRfbServer.start({ stallAfterHandshake: true });
    const connecting = RfbClient.connect({ url: server.url, connectTimeoutMs: 3000 });
    // The stalled first connection never sends its first update: connect fails after the timeout.
    await expect(connecting).rejects.toThrow(/no framebuffer update/);
    client = await RfbClient.connect({ url: server.url });
    await until(() => client!.counters.updates >= 2); // the pseudo-rectangle and the first full update
    const fb = client.fb;
    server.dropAll();
    await client.refresh();
    expect(client.counters.reconnects).toBe(1);
    expect(server.connections).toBe(3);
    expect(client.fb).toBe(fb); // listeners and the screen survive the new connection
  }, 15_000);
});

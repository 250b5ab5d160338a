import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecretsForTest } from '../../../src/secrets.js';
import { ConsoleSession } from '../../../src/console/session.js';
import { openTransport, parseConnectUrl } from '../../../src/console/transport/index.js';
import { TermproxyTransport, termproxyData } from '../../../src/console/transport/termproxy-ws.js';
import {
  startLishGateway,
  startNovaGateway,
  startTermproxyGateway,
  TermproxyParser,
} from '../../../lab/gateways/index.js';
import { fakeGetty } from './helpers.js';
import { errorCodeOf } from '../../support/error-code.js';

const PW = 'pw-alice-transport';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  clearSecretsForTest();
});

function getty() {
  const g = fakeGetty({ users: { alice: PW } });
  cleanups.push(() => g.kill());
  return g;
}

async function loginAndRun(url: string, secrets: { password?: string } = {}) {
  const session = await ConsoleSession.open(parseConnectUrl(url, secrets));
  cleanups.push(() => session.close());
  await session.login({ user: 'alice', password: PW, root: false });
  expect(await session.run('echo via-$((40+2)); (exit 3)')).toEqual({ stdout: 'via-42\n', exitCode: 3 });
  await session.reconnect();
  expect((await session.run('echo again')).stdout).toBe('again\n');
  return session;
}

describe('transports against the lab gateways (backend: fake getty + real bash)', () => {
  it('nova-serialproxy websocket: login, command, reconnect', async () => {
    const g = getty();
    const gw = await startNovaGateway({ backend: () => g.connect() });
    cleanups.push(() => gw.close());
    await loginAndRun(gw.url);
    expect(gw.connections).toBe(2);
  });

  it('nova gateway refuses a wrong token, a base64-only subprotocol and text frames (1003)', async () => {
    const g = getty();
    const gw = await startNovaGateway({ backend: () => g.connect() });
    cleanups.push(() => gw.close());
    expect(
      await errorCodeOf(openTransport({ kind: 'serial-ws', url: gw.url.replace(/token=\w+/, 'token=bad') })),
    ).toBe('console.connect');
    const base64Only = new WebSocket(gw.url, ['base64']);
    const refused = await new Promise<boolean>((resolve) => {
      base64Only.on('open', () => resolve(false));
      base64Only.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    const ws = new WebSocket(gw.url, ['binary']);
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('text frame');
    expect(await closed).toBe(1003);
  });

  it('termproxy websocket: ticket line, OK, framed data, resize; login, command, reconnect', async () => {
    const g = getty();
    const gw = await startTermproxyGateway({ backend: () => g.connect() });
    cleanups.push(() => gw.close());
    const url = gw.url.replace('ws://', `termproxy+ws://${encodeURIComponent(gw.user)}@`);
    const session = await loginAndRun(url);
    session.console.transport.resize(132, 43);
    await session.run('true');
    expect(gw.resizes).toEqual([{ cols: 132, rows: 43 }]);
  });

  it('termproxy: a wrong ticket is refused, keepalives are sent', async () => {
    const g = getty();
    const gw = await startTermproxyGateway({ backend: () => g.connect() });
    cleanups.push(() => gw.close());
    const endpoint = { kind: 'termproxy-ws' as const, url: gw.url, user: gw.user, ticket: 'PVEVNC:wrong' };
    expect(await errorCodeOf(TermproxyTransport.open(endpoint))).toBe('console.connect');
    const t = await TermproxyTransport.open({ ...endpoint, ticket: gw.ticket }, { keepaliveMs: 20 });
    cleanups.push(() => t.close());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gw.pings).toBeGreaterThanOrEqual(2);
  });

  it('termproxy parser: messages split and joined across frames, byte lengths for UTF-8', () => {
    const p = new TermproxyParser();
    const wire = Buffer.concat([
      termproxyData(Buffer.from('日本')),
      Buffer.from('1:80:24:2'),
      termproxyData(Buffer.from('ok')),
    ]);
    const got = [];
    for (let i = 0; i < wire.length; i += 3) got.push(...p.push(wire.subarray(i, i + 3)));
    expect(got).toEqual([
      { type: 'data', data: Buffer.from('日本') },
      { type: 'resize', cols: 80, rows: 24 },
      { type: 'ping' },
      { type: 'data', data: Buffer.from('ok') },
    ]);
  });

  it('ssh gateway (Lish-like): password auth, pinned host key, login, command, reconnect', async () => {
    const g = getty();
    const gw = await startLishGateway({
      backend: () => g.connect(),
      username: 'alice-lish',
      password: 'gw-pass-1',
    });
    cleanups.push(() => gw.close());
    const endpoint = {
      kind: 'serial-ssh' as const,
      host: gw.host,
      port: gw.port,
      username: 'alice-lish',
      password: 'gw-pass-1',
      hostKeySha256: gw.hostKeySha256,
    };
    const session = await ConsoleSession.open(endpoint);
    cleanups.push(() => session.close());
    await session.login({ user: 'alice', password: PW, root: false });
    expect(await session.run('echo over-ssh')).toEqual({ stdout: 'over-ssh\n', exitCode: 0 });
    await session.reconnect();
    expect((await session.run('echo again')).stdout).toBe('again\n');
    expect(await errorCodeOf(openTransport({ ...endpoint, password: 'nope' }))).toBe('console.connect');
    expect(await errorCodeOf(openTransport({ ...endpoint, hostKeySha256: 'SHA256:AAAA' }))).toBe(
      'console.connect',
    );
  });

  it('local: tcp on loopback only; parseConnectUrl covers every scheme', async () => {
    expect(await errorCodeOf(openTransport({ kind: 'local', url: 'tcp://192.0.2.1:5555' }))).toBe(
      'console.connect',
    );
    expect(parseConnectUrl('ssh://lish-user@127.0.0.1:2222/my-linode')).toMatchObject({
      kind: 'serial-ssh',
      host: '127.0.0.1',
      port: 2222,
      username: 'lish-user',
      command: 'my-linode',
    });
    expect(
      parseConnectUrl('termproxy+wss://root%40pam@127.0.0.1:8006/api2/json/x?port=5900&vncticket=T1%2B'),
    ).toMatchObject({
      kind: 'termproxy-ws',
      user: 'root@pam',
      ticket: 'T1+',
      url: 'wss://127.0.0.1:8006/api2/json/x?port=5900&vncticket=T1%2B',
    });
    expect(parseConnectUrl('wss://127.0.0.1/?token=abc').kind).toBe('serial-ws');
    expect(parseConnectUrl('unix:/run/x.sock')).toEqual({ kind: 'local', url: 'unix:/run/x.sock' });
    expect(() => parseConnectUrl('http://x')).toThrow();
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type LabServer } from '../../lab/index.js';
import {
  startLishGateway,
  startNovaGateway,
  startTermproxyGateway,
  unixSocketBackend,
} from '../../lab/gateways/index.js';
import type { ConsoleEndpoint } from '../../src/console/endpoint.js';
import { ConsoleSession } from '../../src/console/session.js';
import { labDescribe } from '../support/lab-guard.js';

const ALICE_PW = 'CANARY-alice-gw-61a0';

labDescribe('console engine through each transport to a real lab console', () => {
  let server: LabServer;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    server = await createServer({
      hostname: 'gw01',
      users: [{ name: 'alice', password: ALICE_PW, groups: ['sudo'], shell: '/bin/bash' }],
    });
    await server.console.waitFor(/login: $/m, 60_000);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await server?.destroy();
  });

  /** Password login as alice, sudo to root, a command, a reconnect, logout: what every transport must carry. */
  async function drive(endpoint: ConsoleEndpoint): Promise<void> {
    const s = await ConsoleSession.open(endpoint);
    closers.push(() => s.close());
    const login = await s.login({ user: 'alice', password: ALICE_PW });
    expect(login).toMatchObject({ loggedOut: [], uid: 0 });
    expect(await s.run('hostname; (exit 3)')).toEqual({ stdout: 'gw01\n', exitCode: 3 });
    await s.reconnect();
    expect((await s.run('echo $SUDO_USER')).stdout).toBe('alice\n');
    await s.close({ logout: true });
    expect(s.transcript.text()).not.toContain(ALICE_PW);
  }

  it('local unix socket', async () => {
    await drive({ kind: 'local', url: `unix:${server.consoleSocket}` });
  });

  it('nova-serialproxy websocket gateway', async () => {
    const gw = await startNovaGateway({ backend: unixSocketBackend(server.consoleSocket) });
    closers.push(() => gw.close());
    await drive({ kind: 'serial-ws', url: gw.url });
    expect(gw.connections).toBe(2);
  });

  it('termproxy websocket gateway', async () => {
    const gw = await startTermproxyGateway({ backend: unixSocketBackend(server.consoleSocket) });
    closers.push(() => gw.close());
    await drive({ kind: 'termproxy-ws', url: gw.url, user: gw.user, ticket: gw.ticket });
  });

  it('ssh gateway (Lish-like)', async () => {
    const gw = await startLishGateway({
      backend: unixSocketBackend(server.consoleSocket),
      username: 'lish',
      password: 'gw-secret-1',
    });
    closers.push(() => gw.close());
    await drive({
      kind: 'serial-ssh',
      host: gw.host,
      port: gw.port,
      username: 'lish',
      password: 'gw-secret-1',
      hostKeySha256: gw.hostKeySha256,
      command: 'gw01',
    });
    expect(gw.requests).toEqual(['gw01', 'gw01']);
  });
});

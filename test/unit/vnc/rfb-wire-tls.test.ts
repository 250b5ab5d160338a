import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openWire } from '../../../src/console/vnc/rfb-wire.js';

/**
 * A wss:// VNC endpoint behind a certificate no CA vouches for, as Proxmox VE serves out of the box
 * (pve-ssl.pem signed by the cluster's own CA): the wire refuses it unless the endpoint says
 * insecureTls, which the Proxmox adapter sets from PROXMOX_VE_INSECURE.
 */
let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), `vr-wire-tls-${process.pid}-`));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
    ],
    { cwd: dir, stdio: 'ignore', env: { ...process.env, RANDFILE: join(dir, '.rnd') } },
  );
  server = createServer({
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.send(Buffer.from('RFB 003.008\n')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function firstEvent(insecureTls: boolean): Promise<string> {
  return new Promise((resolve) => {
    const wire = openWire(
      { url, insecureTls, connectTimeoutMs: 5000 },
      {
        onData: (data) => {
          resolve(`data:${data.toString().trim()}`);
          wire.terminate();
        },
        onEnd: (reason) => resolve(`end:${reason}`),
      },
    );
  });
}

describe('RFB over wss:// and self-signed certificates', () => {
  it('verifies the certificate by default', async () => {
    expect(await firstEvent(false)).toMatch(/^end:websocket error: .*(self[- ]signed|certificate)/i);
  });

  it('accepts it when the endpoint says insecureTls', async () => {
    expect(await firstEvent(true)).toBe('data:RFB 003.008');
  });
});

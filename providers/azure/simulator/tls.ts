import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayUpgrade } from '../../../lab/simulator/relay.js';

/**
 * The Azure SDK refuses bearer tokens over plain http, so the simulated ARM, login host and console
 * gateway sit behind an https front with a certificate made for this run; the adapter trusts it
 * through REQUESTS_CA_BUNDLE, as Azure's own CLI trusts a private cloud's CA. The front terminates
 * TLS and hands every request and websocket upgrade, unchanged but for a path prefix, to the
 * simulator's one HTTP port (so its log and routing stay in one place). Lab only.
 */

let cached: { key: string; cert: string } | undefined;

/** One self-signed P-256 certificate for 127.0.0.1 per process (openssl, like the TLS unit tests). */
function certificate(): { key: string; cert: string } {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), `vr-azure-tls-${process.pid}-`));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cached = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  url: string;
  /** A PEM file with the front's certificate, for REQUESTS_CA_BUNDLE. */
  caFile: string;
  close: () => Promise<void>;
}

/** An https front on loopback for `http://127.0.0.1:<port>` + `prefix` (both read when a request comes). */
export async function startTlsFront(backend: () => string, prefix: string): Promise<TlsFront> {
  const { key, cert } = certificate();
  const dir = mkdtempSync(join(tmpdir(), `vr-azure-ca-${process.pid}-`));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, cert, { mode: 0o600 });
  const port = () => Number(new URL(backend()).port);
  const server = createServer({ key, cert }, (req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: port(),
        method: req.method,
        path: `${prefix}${req.url ?? '/'}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    relayUpgrade(req, socket, head, { port: port(), path: `${prefix}${req.url ?? '/'}` });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    caFile,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}

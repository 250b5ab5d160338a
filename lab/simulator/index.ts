import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderContext } from '../../providers/types.js';
import type { Lang } from '../../src/i18n/index.js';
import { newAccounts, simEndpoint, simEnv, type SimVariant } from './accounts.js';
import { isSimulated, type SimulatedProvider } from './coverage.js';
import { dispatch, json, readBody, send, type SimReply, type SimRequest } from './http.js';
import { ed25519KeyPair } from '../ssh2-keys.js';
import { mountRoutes } from './mounts.js';
import { refuseUpgrade, relayUpgrade } from './relay.js';
import {
  ConsoleGateways,
  toSimServers,
  type GatewayTimings,
  type SimRegistration,
  type SimServer,
} from './servers.js';

export { NOT_SIMULATED, SIMULATED_PROVIDERS, isSimulated, type SimulatedProvider } from './coverage.js';
export type { SimRegistration, SimServer } from './servers.js';
export type { SimVariant } from './accounts.js';

export interface SimulatorOptions {
  /** Lab servers (or anything with name, address and consoleSocket). */
  servers: readonly SimRegistration[];
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Vendor time limits (nova token TTL, termproxy/vncproxy accept, Hetzner console URL); tests shorten them. */
  timings?: GatewayTimings;
}

export interface SimLogEntry {
  provider: string;
  /** HTTP method, or UPGRADE for a console websocket arriving at the simulator's port. */
  method: string;
  /** Path without the query (queries carry tickets). */
  path: string;
  /** The reply's status; 0 for UPGRADE (the attempt is logged, the client sees the outcome). */
  status: number;
}

export interface Simulator {
  /** Base URL, http://127.0.0.1:<port>. */
  url: string;
  servers: readonly SimServer[];
  /** Every API request answered, in order. */
  log: SimLogEntry[];
  /** The credential variables the adapter reads, as a user would export them. */
  env(provider: SimulatedProvider, variant?: SimVariant): Record<string, string>;
  /** The value for --endpoint / ctx.endpoint. */
  endpoint(provider: SimulatedProvider, variant?: SimVariant): string;
  /** env + endpoint + a file reader (for the Lish key file): ready for loadProvider(). */
  context(provider: SimulatedProvider, opts?: { variant?: SimVariant; lang?: Lang }): ProviderContext;
  close(): Promise<void>;
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * A local vendor API for the lab: OpenStack, ConoHa (3.0 and 2.0), Proxmox VE and Linode answer as
 * the real services do (shapes, auth, errors), and their consoles are gateways in front of the lab
 * servers' console sockets. Credentials are random per simulator; everything listens on loopback.
 */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`simulator host must be a loopback address: ${host}`);
  const servers = toSimServers(opts.servers);
  const accounts = newAccounts();
  const consoles = new ConsoleGateways(opts.timings);
  let base = '';
  const { mounts, proxmox } = mountRoutes({ accounts, servers: () => servers, consoles, base: () => base });

  const log: SimLogEntry[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const mount = mounts.find((m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`));
    let reply: SimReply;
    try {
      if (!mount) reply = json(404, { error: 'no such API in the simulator' });
      else {
        const simReq: SimRequest = {
          method: req.method ?? 'GET',
          path: url.pathname.slice(mount.prefix.length) || '/',
          query: url.searchParams,
          headers: req.headers,
          body: await readBody(req),
        };
        reply = await dispatch(mount.routes, simReq, mount.notFound);
      }
    } catch (err) {
      reply = json(400, { error: { code: 400, message: `bad request: ${(err as Error).message}` } });
    }
    log.push({
      provider: mount?.provider ?? '-',
      method: req.method ?? 'GET',
      path: url.pathname,
      status: reply.status,
    });
    send(res, reply);
  };

  const http = createServer((req, res) => void handle(req, res));
  // Console websockets: nova-serialproxy and novncproxy at / (?token=), Hetzner's at /?server_id=&token=,
  // Proxmox vncwebsocket on its API paths.
  http.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    socket.on('error', () => undefined);
    if (url.pathname.startsWith('/api2/json/')) {
      log.push({ provider: 'proxmox', method: 'UPGRADE', path: url.pathname, status: 0 });
      proxmox.handleUpgrade(req, socket, head, url.pathname.slice('/api2/json'.length), url.searchParams);
      return;
    }
    const token = url.searchParams.get('token');
    // Hetzner's console URL names the server; Nova's noVNC and serial tokens share the root path.
    if (url.searchParams.has('server_id')) {
      log.push({ provider: 'hetzner-console', method: 'UPGRADE', path: url.pathname, status: 0 });
      const serverId = url.searchParams.get('server_id');
      const grant = token
        ? consoles.vnc.claim('hetzner', token, (g) => String(g.server.numericId) === serverId)
        : undefined;
      if (url.pathname !== '/' || !grant) return refuseUpgrade(socket, 401, 'Unauthorized');
      if (!consoles.vnc.serve(req, socket, head, grant)) refuseUpgrade(socket, 502, 'Bad Gateway');
      return;
    }
    const novnc = token ? consoles.vnc.claim('nova', token) : undefined;
    log.push({
      provider: novnc ? 'nova-novncproxy' : 'nova-serialproxy',
      method: 'UPGRADE',
      path: url.pathname,
      status: 0,
    });
    if (url.pathname !== '/' || !token) return refuseUpgrade(socket, 404, 'Not Found');
    if (novnc) {
      if (!consoles.vnc.serve(req, socket, head, novnc)) refuseUpgrade(socket, 502, 'Bad Gateway');
      return;
    }
    void consoles.novaTarget(token).then(
      (target) =>
        target
          ? relayUpgrade(req, socket, head, { port: target.port, path: `/?token=${target.token}` })
          : refuseUpgrade(socket, 401, 'Invalid Token'),
      () => refuseUpgrade(socket, 502, 'Bad Gateway'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, () => resolve());
  });
  base = `http://${host}:${(http.address() as { port: number }).port}`;

  // Lish: one SSH gateway for all Linodes, keys only (lish_auth_method keys_only). The adapter reads
  // the private key from the file LINODE_LISH_KEY_FILE names, so it is a real 0600 file.
  const keyDir = await mkdtemp(join(tmpdir(), 'vps-rescue-sim-'));
  const lishKey = ed25519KeyPair();
  const keyFile = join(keyDir, 'lish_ed25519');
  await writeFile(keyFile, lishKey.private, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  const lish = await consoles.lish({
    username: accounts.linode.username,
    publicKey: lishKey.public,
    byLabel: (label) => servers.find((s) => s.name === label),
  });
  const lishAt = { host: lish.host, port: lish.port, keyFile };

  const env = (provider: SimulatedProvider, variant?: SimVariant) =>
    simEnv(base, accounts, lishAt, provider, variant);
  const endpoint = (provider: SimulatedProvider, variant?: SimVariant) =>
    simEndpoint(base, provider, variant);
  return {
    url: base,
    servers,
    log,
    env,
    endpoint,
    context: (provider, o = {}) => {
      if (!isSimulated(provider)) throw new Error(`not simulated: ${String(provider)}`);
      return {
        env: env(provider, o.variant),
        endpoint: endpoint(provider, o.variant),
        lang: o.lang ?? 'en',
        timeoutMs: 10_000,
        readTextFile: (path) => readFile(path, 'utf8').catch(() => undefined),
      };
    },
    close: async () => {
      await consoles.closeAll();
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ProviderContext } from '../../providers/types.js';
import type { Lang } from '../../src/i18n/index.js';
import { SIMULATED_PROVIDERS, isSimulated, type SimulatedProvider } from './coverage.js';
import { dispatch, json, readBody, send, type SimReply, type SimRequest } from './http.js';
import { refuseUpgrade } from './relay.js';
import {
  ConsoleGateways,
  toSimServers,
  type GatewayTimings,
  type SimRegistration,
  type SimServer,
} from './servers.js';
import type { Mount, SimulatedVendor, VendorInstance } from './vendor.js';

export { NOT_SIMULATED, SIMULATED_PROVIDERS, isSimulated, type SimulatedProvider } from './coverage.js';
export type { SimRegistration, SimServer } from './servers.js';

/**
 * Another way the same vendor is used, as its folder's simulator.ts names it: `conoha-v2` (Keystone
 * v2.0, legacy console actions), `openstack-appcred` (application credentials), `proxmox-password`
 * (ticket login instead of an API token).
 */
export type SimVariant = string;

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

/** The folder's own simulation: providers/<id>/simulator.ts, found by id. */
async function loadVendor(id: string): Promise<SimulatedVendor> {
  // A path built at run time: the module comes from the provider's folder, named by nothing here.
  const path = ['..', '..', 'providers', id, 'simulator.js'].join('/');
  const module = (await import(/* @vite-ignore */ path)) as { simulator: SimulatedVendor };
  return module.simulator;
}

/**
 * A local vendor API for the lab: every provider whose folder declares itself simulated answers as
 * the real service does (shapes, auth, errors), and its consoles are gateways in front of the lab
 * servers' console sockets. Credentials are random per simulator; everything listens on loopback.
 */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`simulator host must be a loopback address: ${host}`);
  const servers = toSimServers(opts.servers);
  const consoles = new ConsoleGateways(opts.timings);
  let base = '';
  const mounts: Mount[] = [];
  const vendors = new Map<string, VendorInstance>();

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
  // Console websockets arrive at the simulator's one port: each vendor claims the URLs its consoles
  // use, and the vendors whose tokens share the root path (Nova) take what is left.
  http.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    socket.on('error', () => undefined);
    const routes = [...vendors.values()].flatMap((v) => (v.upgrade ? [v.upgrade] : []));
    const route =
      routes.find((r) => !r.fallback && r.matches(url)) ?? routes.find((r) => r.fallback && r.matches(url));
    const logAs = (front: string) =>
      log.push({ provider: front, method: 'UPGRADE', path: url.pathname, status: 0 });
    if (!route) {
      logAs('-');
      return refuseUpgrade(socket, 404, 'Not Found');
    }
    route.handle({ req, socket, head, url, logAs });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, () => resolve());
  });
  base = `http://${host}:${(http.address() as { port: number }).port}`;

  const close = async () => {
    await consoles.closeAll();
    await new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
    for (const vendor of vendors.values()) await vendor.close?.();
  };
  try {
    for (const id of SIMULATED_PROVIDERS) {
      const vendor = await (
        await loadVendor(id)
      ).start({ servers: () => servers, consoles, base: () => base });
      vendors.set(id, vendor);
      mounts.push(...vendor.mounts);
    }
  } catch (err) {
    await close();
    throw err;
  }

  const vendorOf = (provider: SimulatedProvider) => {
    const vendor = vendors.get(provider);
    if (!vendor) throw new Error(`not simulated: ${String(provider)}`);
    return vendor;
  };
  const env = (provider: SimulatedProvider, variant?: SimVariant) => vendorOf(provider).env(variant);
  const endpoint = (provider: SimulatedProvider, variant?: SimVariant) =>
    vendorOf(provider).endpoint(variant);
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
    close,
  };
}

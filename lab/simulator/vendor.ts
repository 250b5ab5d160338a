import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Route, SimReply } from './http.js';
import type { ConsoleGateways, SimServer } from './servers.js';

/** One vendor API under a path prefix of the simulator's single HTTP port. */
export interface Mount {
  provider: string;
  prefix: string;
  routes: Route[];
  notFound: () => SimReply;
}

/** What a vendor's simulation is given when a simulator starts (after it listens). */
export interface VendorContext {
  servers: () => SimServer[];
  consoles: ConsoleGateways;
  /** The simulator's base URL, http://127.0.0.1:<port>. */
  base: () => string;
}

/** A console websocket arriving at the simulator's port, claimed by the vendor that handed it out. */
export interface UpgradeRoute {
  /** Whether this vendor's console URLs look like `url`. */
  matches: (url: URL) => boolean;
  /**
   * Tried only after every other vendor declined: Nova's tokens share the root path with other
   * vendors' console URLs, so its routes take what is left.
   */
  fallback?: boolean;
  /** Answers (or refuses) the upgrade; `logAs` names the front end that took it in the simulator's log. */
  handle: (upgrade: {
    req: IncomingMessage;
    socket: Duplex;
    head: Buffer;
    url: URL;
    logAs: (front: string) => void;
  }) => void;
}

/** One vendor, running inside a simulator: its API mounts, console upgrades and the credentials to reach it. */
export interface VendorInstance {
  mounts: Mount[];
  upgrade?: UpgradeRoute;
  /** What --endpoint replaces, as served under the simulator's base URL. */
  endpoint: (variant?: string) => string;
  /** The variables the adapter reads, named as the vendor's own tools name them; fresh random secrets. */
  env: (variant?: string) => Record<string, string>;
  close?: () => Promise<void>;
}

/**
 * What a provider folder declares in providers/<id>/simulator.ts (found by id, so the simulator
 * has no list of vendors of its own).
 */
export interface SimulatedVendor {
  start: (ctx: VendorContext) => VendorInstance | Promise<VendorInstance>;
}

import type { ConsoleEndpoint, ConsoleKind } from '../src/console/endpoint.js';
import type { Lang } from '../src/i18n/index.js';
import type { RetryPolicy } from './http.js';

/**
 * What every provider adapter offers the rescue. findServer and openConsole are required; the rest
 * are optional and declared up front (in the registry and on the adapter) so the rescue can plan a
 * path without calling anything that the vendor does not have.
 */

/** One status vocabulary for every vendor; the vendor's own word stays in ServerRef.vendorStatus. */
export const SERVER_STATUSES = [
  'running',
  'stopped',
  'starting',
  'stopping',
  'rebooting',
  'rescue',
  'provisioning',
  'suspended',
  'error',
  'unknown',
] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** Optional abilities beyond finding a server and opening its console. */
export const CAPABILITIES = ['serialConsole', 'vncConsole', 'runCommand', 'rescueBoot'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface ServerAddresses {
  ipv4: string[];
  ipv6: string[];
}

export interface ServerRef {
  provider: string;
  id: string;
  name: string;
  status: ServerStatus;
  vendorStatus: string;
  addresses: ServerAddresses;
  /** Region, zone or node: where the adapter must address follow-up calls. */
  location?: string;
  /** Vendor facts later calls need (Proxmox node/type, Linode label, …); never secrets. */
  vendor?: Record<string, string | number | boolean>;
}

/** Exactly one way to name the server. */
export type FindQuery = { ip: string } | { name: string } | { id: string };

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  /** Bytes for the command's stdin. */
  input?: string;
  timeoutMs?: number;
}

export interface RescueBootOptions {
  /** Vendor SSH key ids or public keys to authorize in the rescue system, where supported. */
  sshKeys?: string[];
}

/** How to reach a rescue system: over SSH to the server itself or through its console. */
export interface RescueAccess {
  ssh?: { host: string; port: number; username: string; password?: string };
  console?: ConsoleEndpoint;
  /** Where the server's own disks appear in the rescue system, e.g. { sda: 'disk 123' }. */
  disks?: Record<string, string>;
  notes: string[];
}

export interface ProviderAdapter {
  readonly id: string;
  readonly capabilities: readonly Capability[];
  /**
   * The vendor's prerequisites for a way in that opened, as met (localized, for the progress lines
   * and the report), e.g. "boot diagnostics on, serial console enabled for the subscription".
   */
  prerequisitesMet?(server: ServerRef, capability: Capability): string | undefined;
  /** The most output one runCommand returns (Azure keeps the last 4,096 bytes); longer output is paged. */
  readonly runCommandOutputBytes?: number;
  findServer(query: FindQuery): Promise<ServerRef>;
  openConsole(server: ServerRef, kind: ConsoleKind): Promise<ConsoleEndpoint>;
  runCommand?(server: ServerRef, argv: string[], options?: RunCommandOptions): Promise<CommandResult>;
  rescueBoot?(server: ServerRef, options?: RescueBootOptions): Promise<RescueAccess>;
  exitRescue?(server: ServerRef): Promise<void>;
}

/** Reads a local file named by the user's environment (clouds.yaml, a Lish key); injectable for tests. */
export type ReadTextFile = (path: string) => Promise<string | undefined>;

/** Everything an adapter may know about its surroundings; adapters never read process.env themselves. */
export interface ProviderContext {
  env: Readonly<Record<string, string | undefined>>;
  /** --endpoint: another base URL (private cloud, the lab simulator). */
  endpoint?: string;
  lang: Lang;
  /** Per-request timeout for vendor API calls. */
  timeoutMs?: number;
  readTextFile?: ReadTextFile;
  /** Pause between polls of a vendor's async action; tests set 0. */
  pollIntervalMs?: number;
  /** Retries of idempotent API calls after 429/5xx (providers/http.ts DEFAULT_RETRY when absent). */
  retry?: Partial<RetryPolicy>;
  /** A localized line for the progress and the report (a prerequisite met, a warning, a reboot coming). */
  notice?: (text: string) => void;
}

export type CreateAdapter = (ctx: ProviderContext) => Promise<ProviderAdapter> | ProviderAdapter;

export interface AdapterModule {
  createAdapter: CreateAdapter;
}

/** Shown by `vps-rescue providers` and in config.missing-credentials. */
export interface CredentialHelp {
  /** Variable sets, any one of which is enough, e.g. [['HCLOUD_TOKEN']]. */
  variables: string[][];
  /** Optional variables. */
  optional: string[];
  /** What --endpoint replaces for this vendor. */
  endpoint: string;
}

/** A provider as its folder declares it (providers/<id>/provider.ts); the adapter is loaded only when used. */
export interface ProviderEntry {
  id: string;
  displayName: string;
  capabilities: readonly Capability[];
  /** Capabilities whose way in reboots the server: skipped where nothing may reboot (a dry run). */
  reboots?: readonly Capability[];
  credentialHelp: CredentialHelp;
  /** The provider's own messages (providers/<id>/hints.ts), merged into the catalogue by the registry. */
  hints: ProviderHints;
  /** Whether the lab's simulator serves this vendor (from providers/<id>/simulator.ts), or why not. */
  simulator: ProviderSimulation;
  load: () => Promise<AdapterModule>;
}

/**
 * simulated: the folder's simulator.ts (lab only, never built into the package) serves the vendor's
 * API and consoles in the lab; otherwise the reason it cannot.
 */
export type ProviderSimulation =
  | {
      simulated: true;
      /**
       * The rescue system `lab up` puts behind the vendor's rescue call: `console-shell`, a root
       * shell on the console and no SSH (Linode's Finnix). Without it `lab up` attaches none.
       */
      rescueSystem?: 'console-shell';
    }
  | { simulated: false; reason: string };

/** Message key to text, per language; the folder's types make the Japanese table complete. */
export interface ProviderHints {
  en: Readonly<Record<string, string>>;
  ja: Readonly<Record<string, string>>;
}

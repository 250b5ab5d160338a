import { InstancesClient, ProjectsClient, ZoneOperationsClient } from '@google-cloud/compute';
import { RescueError } from '../../src/errors/rescue-error.js';
import { mask } from '../../src/secrets.js';
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  retryAfterSeconds,
  vendorErrorText,
  type RetryPolicy,
} from '../http.js';
import { sleep } from '../credentials.js';
import type { ProviderContext } from '../types.js';
import { apiOrigin, loadAuth, type ApiOrigin, type GcpAuth } from './auth.js';
import { gcp } from './provider.js';

const COMPUTE_HOST = 'compute.googleapis.com';
const RETRY_STATUS = [429, 502, 503, 504];

/** A failed SDK call as we see it: the HTTP status, the body Google sent, its headers, the URL. */
interface Failure {
  status?: number;
  body?: unknown;
  retryAfter?: number;
  url?: string;
}

function failureOf(err: unknown): Failure {
  const e = err as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: number; data?: unknown; headers?: { get?: (n: string) => string | null } };
    config?: { url?: unknown };
  };
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof e.response?.status === 'number'
        ? e.response.status
        : typeof e.code === 'number' && e.code >= 100
          ? e.code
          : undefined;
  let body: unknown = e.response?.data;
  if (body === undefined && typeof e.message === 'string') {
    try {
      body = JSON.parse(e.message);
    } catch {
      body = e.message;
    }
  }
  const header = e.response?.headers?.get?.('retry-after') ?? undefined;
  const retryAfter = header ? retryAfterSeconds({ 'retry-after': header }) : undefined;
  const url = e.config?.url === undefined ? undefined : String(e.config.url);
  return { status, body, retryAfter, url };
}

/** Google's error reasons ("rateLimitExceeded", "notFound", …) from the error body. */
export function reasonsOf(body: unknown): string[] {
  const errors = (body as { error?: { errors?: { reason?: unknown }[] } } | undefined)?.error?.errors;
  return Array.isArray(errors) ? errors.map((x) => String(x.reason ?? '')).filter(Boolean) : [];
}

function googleText(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; error_description?: unknown };
    // The token endpoint answers {"error": "invalid_grant", "error_description": "…"}.
    if (typeof b.error === 'string')
      return mask([b.error, b.error_description].filter((x) => typeof x === 'string').join(': '));
  }
  return vendorErrorText(body);
}

/** Maps a failed call to the shared codes; `notFound` says what a 404 means for this call. */
export function gcpError(err: unknown, operation: string, notFound?: () => RescueError): RescueError {
  if (err instanceof RescueError) return err;
  const f = failureOf(err);
  const text = googleText(f.body);
  const detail = text ? `: ${text}` : '';
  const provider = gcp.id;
  // The OAuth token endpoint refusing the credentials (expired refresh token, revoked key, bad JWT).
  if (f.url && /\/token(\?|$)/.test(f.url) && f.status !== undefined && f.status < 500 && f.status !== 429)
    return new RescueError('auth.failed', { provider, status: f.status, detail });
  const reasons = reasonsOf(f.body);
  if (f.status === 401) return new RescueError('auth.failed', { provider, status: 401, detail });
  if (
    f.status === 429 ||
    (f.status === 403 && reasons.some((r) => /rateLimitExceeded|quotaExceeded/.test(r)))
  )
    return new RescueError('provider.rate-limited', { provider, retryAfter: f.retryAfter ?? '?', detail });
  if (f.status === 403) return new RescueError('auth.forbidden', { provider, action: operation, detail });
  if (f.status === 404 && notFound) return notFound();
  if (f.status === 409 || f.status === 412)
    return new RescueError('provider.conflict', { provider, operation, status: f.status, detail });
  if (f.status === undefined) {
    const message = err instanceof Error ? mask(err.message).slice(0, 200) : 'network';
    return new RescueError('provider.api', {
      provider,
      status: 'network',
      operation,
      detail: `: ${message}`,
    });
  }
  return new RescueError('provider.api', { provider, status: f.status, operation, detail });
}

/**
 * The vendor's SDK, over its REST transport (`fallback: 'rest'`: JSON over HTTPS, as the compute
 * discovery document describes it), with the SDK's own retries off: retries are ours, bounded as for
 * every adapter, and only for calls that may be sent twice.
 */
export class GcpApi {
  readonly instances: InstancesClient;
  readonly projects: ProjectsClient;
  readonly zoneOperations: ZoneOperationsClient;
  readonly origin: ApiOrigin;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  private constructor(
    readonly ctx: ProviderContext,
    readonly credentials: GcpAuth,
  ) {
    this.origin = apiOrigin(ctx, COMPUTE_HOST);
    const options = {
      fallback: 'rest' as const,
      auth: credentials.auth,
      projectId: credentials.project,
      apiEndpoint: this.origin.host,
      port: this.origin.port,
      protocol: this.origin.protocol,
    };
    this.instances = new InstancesClient(options);
    this.projects = new ProjectsClient(options);
    this.zoneOperations = new ZoneOperationsClient(options);
    this.retry = { ...DEFAULT_RETRY, ...ctx.retry };
    this.timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  static async create(ctx: ProviderContext): Promise<GcpApi> {
    return new GcpApi(ctx, await loadAuth(ctx));
  }

  get project(): string {
    return this.credentials.project;
  }

  /** Per-call options for the SDK: its retries off, our timeout. */
  get callOptions() {
    return { maxRetries: 0, timeout: this.timeoutMs, autoPaginate: false } as const;
  }

  /**
   * One SDK call, mapped to our errors; `idempotent` calls are tried again after 429/502/503/504
   * (as long as Retry-After says, within the policy's bounds).
   */
  async call<T>(
    operation: string,
    fn: () => Promise<T>,
    o: { idempotent: boolean; notFound?: () => RescueError },
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const f = failureOf(err);
        const transient = f.status !== undefined && RETRY_STATUS.includes(f.status);
        if (!o.idempotent || !transient || attempt >= this.retry.retries)
          throw gcpError(err, operation, o.notFound);
        const told = f.retryAfter;
        if (told !== undefined && told * 1000 > this.retry.maxWaitMs)
          throw gcpError(err, operation, o.notFound);
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
        await sleep(
          told !== undefined ? told * 1000 : Math.round(ceiling / 2 + (Math.random() * ceiling) / 2),
        );
      }
    }
  }

  /** A plain JSON request to another Google API with the same credentials (Resource Manager). */
  async request<T>(url: string, body: unknown): Promise<T> {
    const client = await this.credentials.auth.getClient();
    const response = await client.request<T>({ url, method: 'POST', data: body, timeout: this.timeoutMs });
    return response.data;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.instances.close(), this.projects.close(), this.zoneOperations.close()]);
  }
}

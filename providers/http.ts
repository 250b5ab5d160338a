import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { STATUS_CODES } from 'node:http';
import https from 'node:https';
import { RescueError } from '../src/errors/rescue-error.js';
import { mask } from '../src/secrets.js';

/**
 * The one HTTP client every adapter uses. It turns every failure into a RescueError with a stable
 * code, the HTTP status, Retry-After and the vendor's own error text (masked) — and never keeps the
 * axios error as `cause`, because its config carries the auth headers.
 */
export interface HttpClientOptions {
  provider: string;
  baseURL: string;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
  timeoutMs?: number;
  /** Self-signed certificates (Proxmox); only when the user asked for it. */
  insecureTls?: boolean;
  /** How transient failures of idempotent calls are retried; DEFAULT_RETRY when absent. */
  retry?: Partial<RetryPolicy>;
}

/**
 * Retries of idempotent calls (GET, PUT, DELETE; a POST only when the call says it is idempotent)
 * after 429, 502, 503, 504 or a 500 that carries Retry-After: as long as the
 * vendor's Retry-After says, else exponential backoff with jitter. Bounded twice: at most `retries`
 * more tries, and a Retry-After longer than `maxWaitMs` is not waited for (the error says how long).
 */
export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxWaitMs: 30_000,
};

const RETRY_STATUS = [429, 502, 503, 504];
const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'];

export interface RequestOptions {
  /** Human name of the call for errors, e.g. "find server", "request console". */
  operation: string;
  query?: Record<string, string | number | undefined>;
  data?: unknown;
  headers?: Record<string, string>;
  /** What a 404 means here; default: provider.api with status 404. */
  notFound?: () => RescueError;
  /** Non-2xx statuses that are an answer here, e.g. 300 Multiple Choices from version discovery. */
  acceptStatus?: readonly number[];
  /** A POST that may safely be sent twice (e.g. disabling rescue mode); GET/PUT/DELETE always are. */
  idempotent?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpClient {
  private readonly axios: AxiosInstance;
  readonly provider: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(options: HttpClientOptions) {
    this.provider = options.provider;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.axios = axios.create({
      baseURL: options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`,
      headers: { Accept: 'application/json', ...options.headers },
      // nock intercepts node:http; the fetch adapter would bypass it and behave differently.
      adapter: 'http',
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.insecureTls ? { httpsAgent: new https.Agent({ rejectUnauthorized: false }) } : {}),
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Adds or replaces a default header (a token obtained after construction). */
  setHeader(name: string, value: string): void {
    this.axios.defaults.headers.common[name] = value;
  }

  async request<T>(method: Method, path: string, options: RequestOptions): Promise<AxiosResponse<T>> {
    const retryable = options.idempotent === true || IDEMPOTENT_METHODS.includes(method.toUpperCase());
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.once<T>(method, path, options);
      if ('response' in outcome) return outcome.response;
      const wait = retryable && attempt < this.retry.retries ? this.retryDelay(outcome, attempt) : undefined;
      if (wait === undefined) throw outcome.error;
      await sleep(wait);
    }
  }

  /** How long to wait before the next try, or undefined when this failure is not worth another. */
  private retryDelay(outcome: Failure, attempt: number): number | undefined {
    const { status, headers } = outcome;
    // A connection failure is not retried: whether the request reached the vendor is unknown.
    const transient =
      status !== undefined &&
      (RETRY_STATUS.includes(status) || (status === 500 && headers?.['retry-after'] !== undefined));
    if (!transient) return undefined;
    const told = headers ? retryAfterSeconds(headers) : undefined;
    if (told !== undefined) return told * 1000 <= this.retry.maxWaitMs ? told * 1000 : undefined;
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async once<T>(
    method: Method,
    path: string,
    options: RequestOptions,
  ): Promise<{ response: AxiosResponse<T> } | Failure> {
    const controller = new AbortController();
    let timedOut = false;
    // Our own timer: axios reports its timeout differently depending on where the stream was.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let response: AxiosResponse<T>;
    try {
      response = await this.axios.request<T>({
        method,
        url: path.replace(/^\//, ''),
        params: options.query,
        data: options.data,
        headers: options.headers,
        signal: controller.signal,
      });
    } catch (err) {
      // A call that hung for the whole timeout is not tried again: the user would wait minutes.
      if (timedOut) throw this.timeoutError(options.operation);
      const code = (err as { code?: string }).code ?? 'network';
      const error = new RescueError('provider.api', {
        provider: this.provider,
        status: code,
        operation: options.operation,
        detail: '',
      });
      return { error };
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 200 && response.status < 300) return { response };
    if (options.acceptStatus?.includes(response.status)) return { response };
    const headers = lowerCaseHeaders(response.headers as Record<string, unknown>);
    return { error: httpError(this.provider, options, response), status: response.status, headers };
  }

  get<T>(path: string, options: RequestOptions): Promise<AxiosResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, options: RequestOptions): Promise<AxiosResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  put<T>(path: string, options: RequestOptions): Promise<AxiosResponse<T>> {
    return this.request<T>('PUT', path, options);
  }

  private timeoutError(operation: string): RescueError {
    return new RescueError('provider.timeout', {
      provider: this.provider,
      operation,
      seconds: Math.round(this.timeoutMs / 100) / 10,
    });
  }
}

interface Failure {
  error: RescueError;
  status?: number;
  headers?: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function lowerCaseHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Maps a non-2xx response to the shared error codes. */
export function httpError(
  provider: string,
  options: Pick<RequestOptions, 'operation' | 'notFound'>,
  response: Pick<AxiosResponse, 'status' | 'statusText' | 'headers' | 'data'>,
): RescueError {
  const { status } = response;
  const vendorText = vendorErrorText(response.data, response.statusText, status);
  const detail = vendorText ? `: ${vendorText}` : '';
  const operation = options.operation;
  if (status === 401) return new RescueError('auth.failed', { provider, status, detail });
  if (status === 403) return new RescueError('auth.forbidden', { provider, action: operation, detail });
  if (status === 404 && options.notFound) return options.notFound();
  if (status === 409 || status === 423)
    return new RescueError('provider.conflict', { provider, operation, status, detail });
  if (status === 429) {
    const retryAfter = retryAfterSeconds(response.headers as Record<string, unknown>);
    return new RescueError('provider.rate-limited', { provider, retryAfter: retryAfter ?? '?', detail });
  }
  return new RescueError('provider.api', { provider, status, operation, detail });
}

/** Seconds to wait, from Retry-After (seconds or HTTP date) or a RateLimit-Reset epoch. */
export function retryAfterSeconds(headers: Record<string, unknown>, now = Date.now()): number | undefined {
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  // Hetzner sends only RateLimit-Reset, Linode also X-RateLimit-Reset: both a UNIX time in seconds.
  const reset = header('ratelimit-reset') ?? header('x-ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - Math.floor(now / 1000));
  return undefined;
}

const MAX_VENDOR_TEXT = 300;

/**
 * The vendor's own words from an error body, whatever its shape: Nova {"itemNotFound":{"message"}},
 * Keystone/Hetzner {"error":{"message"}}, Linode {"errors":[{"reason"}]}, Sakura {"error_msg"},
 * Proxmox {"errors":{field: text}} plus its reason phrase. Masked: vendors echo input back.
 */
export function vendorErrorText(data: unknown, statusText?: string, status?: number): string {
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim() && !parts.includes(value.trim())) parts.push(value.trim());
  };
  if (typeof data === 'string') add(data.length < MAX_VENDOR_TEXT && !data.includes('<') ? data : '');
  else if (data && typeof data === 'object') {
    const body = data as Record<string, unknown>;
    add(body.error_msg);
    add(body.message);
    if (typeof body.error === 'string') add(body.error);
    if (Array.isArray(body.errors)) {
      for (const e of body.errors) if (e && typeof e === 'object') add((e as { reason?: unknown }).reason);
    } else if (body.errors && typeof body.errors === 'object') {
      for (const [field, text] of Object.entries(body.errors)) add(`${field}: ${String(text)}`);
    }
    for (const value of Object.values(body)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        add((value as { message?: unknown }).message);
      }
    }
  }
  // Proxmox puts its message in the reason phrase ("HTTP/1.1 500 VM 100 not running").
  const standardPhrase = status === undefined ? undefined : STATUS_CODES[status];
  if (parts.length === 0 && statusText !== standardPhrase) add(statusText);
  return mask(parts.join('; ').slice(0, MAX_VENDOR_TEXT));
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The few pieces of HTTP the vendor routes need: a parsed request, JSON replies with a reason
 * phrase (Proxmox puts its message there), and path matching by regular expression.
 */
export interface SimRequest {
  method: string;
  /** Path below the provider's prefix, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON or form body; {} when there is none. */
  body: Record<string, unknown>;
}

export interface SimReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Reason phrase, when the vendor puts its message there. */
  statusText?: string;
}

export type Handler = (req: SimRequest, match: RegExpExecArray) => SimReply | Promise<SimReply>;

export interface Route {
  method: string;
  path: RegExp;
  handler: Handler;
}

export const route = (method: string, path: RegExp, handler: Handler): Route => ({ method, path, handler });

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimReply => ({
  status,
  body,
  headers,
});

/** The first route whose method and anchored path match; a path match with another method → 405. */
export async function dispatch(
  routes: Route[],
  req: SimRequest,
  notFound: () => SimReply,
): Promise<SimReply> {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.path.exec(req.path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === req.method) return r.handler(req, m);
  }
  return pathMatched ? { status: 405, body: { error: 'method not allowed' } } : notFound();
}

const MAX_BODY = 1 << 20;

export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  const parsed: unknown = JSON.parse(text);
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

export function send(res: ServerResponse, reply: SimReply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.statusCode = reply.status;
  if (reply.statusText) res.statusMessage = reply.statusText;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (payload) res.setHeader('Content-Type', 'application/json');
  res.end(payload);
}

/** A header as one string (node gives arrays for repeated headers). */
export function header(req: Pick<SimRequest, 'headers'>, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Equal-length strings compared without early exit (credentials). */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

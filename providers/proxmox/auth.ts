import { registerSecret } from '../../src/secrets.js';
import { envFlag, envSecret, envValue } from '../credentials.js';
import { missingCredentials } from '../errors.js';
import { HttpClient } from '../http.js';
import type { ProviderContext } from '../types.js';
import { proxmox } from './provider.js';

const ID = 'proxmox';

export interface ProxmoxConnection {
  http: HttpClient;
  /** https://host:8006 — websocket URLs are built from it. */
  origin: string;
  insecureTls: boolean;
  /** The headers that authenticate a request (also the websocket upgrade); secret. */
  authHeaders: Record<string, string>;
}

export interface ProxmoxCredentials {
  origin: string;
  insecureTls: boolean;
  token?: string;
  username?: string;
  password?: string;
}

/** Variable names of the bpg/proxmox Terraform provider, the most common non-interactive convention. */
export function proxmoxCredentials(ctx: ProviderContext): ProxmoxCredentials {
  const endpoint = ctx.endpoint ?? envValue(ctx.env, 'PROXMOX_VE_ENDPOINT');
  const token = envSecret(ctx.env, 'PROXMOX_VE_API_TOKEN');
  const username = envValue(ctx.env, 'PROXMOX_VE_USERNAME');
  const password = envSecret(ctx.env, 'PROXMOX_VE_PASSWORD');
  if (!endpoint || !(token || (username && password))) throw missingCredentials(ID, proxmox.credentialHelp);
  // The secret part after '=' is what matters, but the whole token string is masked too.
  registerSecret(token?.split('=')[1]);
  // Both may be given: the token for the API, user and password for the serial console, which an
  // API token cannot open on older hosts (see serialConnection in index.ts).
  return {
    origin: new URL(endpoint).origin,
    insecureTls: envFlag(ctx.env, 'PROXMOX_VE_INSECURE'),
    ...(token ? { token } : {}),
    ...(username && password ? { username, password } : {}),
  };
}

/**
 * API token header, or a ticket from /access/ticket (cookie + CSRF header for writes).
 * `ticketOnly` logs in with user and password even when a token is set.
 */
export async function connect(
  ctx: ProviderContext,
  creds: ProxmoxCredentials,
  ticketOnly = false,
): Promise<ProxmoxConnection> {
  const base = {
    provider: ID,
    baseURL: `${creds.origin}/api2/json`,
    insecureTls: creds.insecureTls,
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
    ...(ctx.retry ? { retry: ctx.retry } : {}),
  };
  let authHeaders: Record<string, string>;
  if (creds.token && !ticketOnly) {
    authHeaders = { Authorization: `PVEAPIToken=${creds.token}` };
  } else {
    const login = new HttpClient(base);
    const res = await login.post<{ data: { ticket: string; CSRFPreventionToken: string } }>('access/ticket', {
      operation: 'log in',
      data: { username: creds.username, password: creds.password },
    });
    const { ticket, CSRFPreventionToken: csrf } = res.data.data;
    registerSecret(ticket);
    registerSecret(csrf);
    authHeaders = { Cookie: `PVEAuthCookie=${ticket}`, CSRFPreventionToken: csrf };
  }
  return {
    http: new HttpClient({ ...base, headers: authHeaders }),
    origin: creds.origin,
    insecureTls: creds.insecureTls,
    authHeaders,
  };
}

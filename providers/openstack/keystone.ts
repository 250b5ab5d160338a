import { RescueError } from '../../src/errors/rescue-error.js';
import { registerSecret } from '../../src/secrets.js';
import { HttpClient } from '../http.js';

/** How to get a token: Keystone v3 (password or application credential) or ConoHa's v2.0 tokens API. */
export type KeystoneAuth =
  | {
      version: 3;
      method: 'password';
      user: { id?: string; name?: string; domainName?: string; domainId?: string };
      password: string;
      project?: { id?: string; name?: string; domainName?: string; domainId?: string };
    }
  | { version: 3; method: 'application_credential'; id: string; secret: string }
  | { version: 2; username: string; password: string; tenantId?: string; tenantName?: string };

export interface CatalogEntry {
  type: string;
  endpoints: { interface?: string; region?: string; region_id?: string; url?: string; publicURL?: string }[];
}

export interface Session {
  token: string;
  catalog: CatalogEntry[];
}

const withDomain = <T extends { domainName?: string; domainId?: string }>(o: T) =>
  o.domainId ? { domain: { id: o.domainId } } : o.domainName ? { domain: { name: o.domainName } } : {};

export function keystoneBody(auth: KeystoneAuth): unknown {
  if (auth.version === 2) {
    const tenant = auth.tenantId
      ? { tenantId: auth.tenantId }
      : auth.tenantName
        ? { tenantName: auth.tenantName }
        : {};
    return { auth: { passwordCredentials: { username: auth.username, password: auth.password }, ...tenant } };
  }
  if (auth.method === 'application_credential') {
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: auth.id, secret: auth.secret },
        },
      },
    };
  }
  const user = auth.user.id ? { id: auth.user.id } : { name: auth.user.name, ...withDomain(auth.user) };
  const project = auth.project?.id
    ? { id: auth.project.id }
    : auth.project?.name
      ? { name: auth.project.name, ...withDomain(auth.project) }
      : undefined;
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { ...user, password: auth.password } } },
      ...(project ? { scope: { project } } : {}),
    },
  };
}

interface VersionEntry {
  id?: string;
  status?: string;
  links?: { rel?: string; href?: string }[];
}

/** An auth URL that already names its version (…/v3, …/v3.14, …/v2.0) is used as given. */
const VERSIONED = /\/v(?:3(?:\.\d+)?|2\.0)\/?$/;
const USABLE = ['stable', 'current', 'supported'];

/**
 * The v3 endpoint behind an unversioned auth URL, found the way keystoneauth1's generic plugins do
 * (identity/generic/base.py): GET the URL, read the version list (300 Multiple Choices with
 * `{"versions":{"values":[…]}}`, or one `{"version":{…}}`), take the stable v3 entry's self link.
 * Vendor profiles and DevStack give unversioned URLs (openstacksdk vendors/ovh.json, `…/identity`).
 */
export async function identityV3Url(provider: string, authUrl: string, timeoutMs?: number): Promise<string> {
  if (VERSIONED.test(authUrl)) return authUrl.replace(/\/+$/, '');
  const http = new HttpClient({ provider, baseURL: authUrl, ...(timeoutMs ? { timeoutMs } : {}) });
  const operation = 'discover the identity version';
  const res = await http.get<{
    versions?: { values?: VersionEntry[] } | VersionEntry[];
    version?: VersionEntry;
  }>('', { operation, acceptStatus: [300] });
  const listed = res.data?.versions;
  const entries = [
    ...(Array.isArray(listed) ? listed : (listed?.values ?? [])),
    ...(res.data?.version ? [res.data.version] : []),
  ];
  const v3 = entries.find(
    (e) => /^v3(\.|$)/.test(e.id ?? '') && USABLE.includes((e.status ?? '').toLowerCase()),
  );
  const href = v3?.links?.find((l) => l.rel === 'self')?.href;
  if (!href) {
    throw new RescueError('provider.api', {
      provider,
      status: res.status,
      operation,
      detail: `: no Keystone v3 endpoint listed at ${authUrl} (give the versioned URL, e.g. ${authUrl}/v3)`,
    });
  }
  // The self link may be relative to the auth URL on some proxies.
  return new URL(href, `${authUrl}/`).toString().replace(/\/+$/, '');
}

/** Authenticates; the token is registered as a secret before anything else can see it. */
export async function authenticate(
  provider: string,
  authUrl: string,
  auth: KeystoneAuth,
  timeoutMs?: number,
): Promise<Session> {
  const http = new HttpClient({ provider, baseURL: authUrl, ...(timeoutMs ? { timeoutMs } : {}) });
  if (auth.version === 2) {
    const res = await http.post<{ access: { token: { id: string }; serviceCatalog?: CatalogEntry[] } }>(
      'tokens',
      {
        operation: 'authenticate',
        data: keystoneBody(auth),
      },
    );
    registerSecret(res.data.access.token.id);
    return { token: res.data.access.token.id, catalog: res.data.access.serviceCatalog ?? [] };
  }
  const v3 = new HttpClient({
    provider,
    baseURL: await identityV3Url(provider, authUrl, timeoutMs),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const res = await v3.post<{ token: { catalog?: CatalogEntry[] } }>('auth/tokens', {
    operation: 'authenticate',
    data: keystoneBody(auth),
  });
  const token = res.headers['x-subject-token'];
  if (typeof token !== 'string' || !token) {
    throw new RescueError('provider.api', {
      provider,
      status: res.status,
      operation: 'authenticate',
      detail: ': no X-Subject-Token header in the Keystone response',
    });
  }
  registerSecret(token);
  return { token, catalog: res.data.token.catalog ?? [] };
}

/** The compute endpoint for a region and interface (public by default) from the catalog. */
export function catalogUrl(
  catalog: CatalogEntry[],
  type: string,
  region?: string,
  iface = 'public',
): string | undefined {
  const service = catalog.find((s) => s.type === type);
  const endpoints = (service?.endpoints ?? []).filter(
    (e) => !region || e.region === region || e.region_id === region,
  );
  const chosen = endpoints.find((e) => (e.interface ?? 'public') === iface) ?? endpoints[0];
  return chosen?.url ?? chosen?.publicURL;
}

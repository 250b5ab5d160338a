import { randomBytes } from 'node:crypto';
import { header, json, route, sameSecret, type Route, type SimReply, type SimRequest } from './http.js';

/**
 * Keystone as OpenStack and ConoHa run it: v3 password (and application credential) tokens in the
 * X-Subject-Token header, ConoHa VPS 2.0's v2.0 tokens in the body, the same 401 body shape as the
 * real service for anything wrong.
 */
export interface KeystoneAccount {
  userId: string;
  userName: string;
  password: string;
  projectId: string;
  projectName: string;
  /** Domain name and id users and projects live in; ConoHa has none to give. */
  domain?: { id: string; name: string };
  applicationCredential?: { id: string; secret: string };
}

export interface CatalogService {
  type: string;
  name: string;
  url: string;
  region: string;
}

export const UNAUTHORIZED = {
  error: {
    code: 401,
    message: 'The request you have made requires authentication.',
    title: 'Unauthorized',
  },
};

export const unauthorized = (): SimReply => json(401, UNAUTHORIZED);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Tokens issued by one Keystone; compute checks X-Auth-Token against it. */
export class Keystone {
  private readonly tokens = new Set<string>();

  constructor(
    private readonly account: KeystoneAccount,
    /** The catalog each token version returns (ConoHa 2.0 and 3.0 live in different regions). */
    private readonly catalog: (version: 2 | 3) => CatalogService[],
  ) {}

  valid(req: SimRequest): boolean {
    const token = header(req, 'x-auth-token');
    return token !== undefined && this.tokens.has(token);
  }

  private issue(): string {
    const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  private domainMatches(d: unknown): boolean {
    const domain = this.account.domain;
    if (!domain) return d === undefined;
    const given = obj(d);
    // Keystone falls back to the default domain when none is named.
    if (d === undefined) return true;
    return given.id === domain.id || given.name === domain.name;
  }

  private userMatches(user: Obj): boolean {
    const a = this.account;
    const who = user.id !== undefined ? user.id === a.userId : user.name === a.userName;
    return who && (user.id !== undefined || this.domainMatches(user.domain));
  }

  private projectMatches(project: Obj): boolean {
    const a = this.account;
    if (project.id !== undefined) return project.id === a.projectId;
    return project.name === a.projectName && this.domainMatches(project.domain);
  }

  private v3(req: SimRequest): SimReply {
    const auth = obj(req.body.auth);
    const identity = obj(auth.identity);
    const methods = Array.isArray(identity.methods) ? identity.methods : [];
    let ok = false;
    if (methods.includes('password')) {
      const user = obj(obj(identity.password).user);
      const scope = obj(auth.scope);
      ok =
        this.userMatches(user) &&
        sameSecret(str(user.password), this.account.password) &&
        (auth.scope === undefined || this.projectMatches(obj(scope.project)));
    } else if (methods.includes('application_credential') && this.account.applicationCredential) {
      const cred = obj(identity.application_credential);
      const mine = this.account.applicationCredential;
      ok = cred.id === mine.id && sameSecret(str(cred.secret), mine.secret);
    }
    if (!ok) return unauthorized();
    const now = Date.now();
    const a = this.account;
    const domain = a.domain ?? { id: 'gnc_id', name: 'gnc' };
    return json(
      201,
      {
        token: {
          methods,
          user: { domain, id: a.userId, name: a.userName, password_expires_at: null },
          audit_ids: [randomBytes(8).toString('base64url')],
          expires_at: new Date(now + 24 * 3600_000).toISOString(),
          issued_at: new Date(now).toISOString(),
          project: { domain, id: a.projectId, name: a.projectName },
          is_domain: false,
          roles: [{ id: 'member', name: 'member' }],
          catalog: this.catalog(3).map((s, i) => ({
            endpoints: [
              { id: `e${i}`, interface: 'public', region: s.region, region_id: s.region, url: s.url },
            ],
            id: `c${i}`,
            type: s.type,
            name: s.name,
          })),
        },
      },
      { 'X-Subject-Token': this.issue() },
    );
  }

  private v2(req: SimRequest): SimReply {
    const auth = obj(req.body.auth);
    const creds = obj(auth.passwordCredentials);
    const a = this.account;
    const tenantOk =
      auth.tenantId !== undefined ? auth.tenantId === a.projectId : auth.tenantName === a.projectName;
    const ok = creds.username === a.userName && sameSecret(str(creds.password), a.password) && tenantOk;
    if (!ok) return unauthorized();
    const now = Date.now();
    return json(200, {
      access: {
        token: {
          issued_at: new Date(now).toISOString(),
          expires: new Date(now + 24 * 3600_000).toISOString(),
          id: this.issue(),
          tenant: { name: a.projectName, enabled: true, id: a.projectId },
          audit_ids: [randomBytes(8).toString('base64url')],
        },
        serviceCatalog: this.catalog(2).map((s) => ({
          endpoints: [{ region: s.region, publicURL: s.url }],
          endpoints_links: [],
          type: s.type,
          name: s.name,
        })),
        user: { username: a.userName, roles_links: [], id: a.userId, roles: [], name: a.userName },
        metadata: { is_admin: 0, roles: [] },
      },
    });
  }

  /** Routes relative to the identity root: /v3/auth/tokens and /v2.0/tokens. */
  routes(): Route[] {
    return [
      route('POST', /^\/v3\/auth\/tokens$/, (req) => this.v3(req)),
      route('POST', /^\/v2\.0\/tokens$/, (req) => this.v2(req)),
    ];
  }
}

export const keystone404 = () =>
  json(404, { error: { code: 404, message: 'The resource could not be found.', title: 'Not Found' } });

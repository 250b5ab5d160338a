import { RescueError } from '../../src/errors/rescue-error.js';
import { registerSecret } from '../../src/secrets.js';
import { envValue, type Env } from '../credentials.js';
import { missingCredentials } from '../errors.js';
import { HttpClient } from '../http.js';
import type { ProviderAdapter, ProviderContext } from '../types.js';
import { cloudAsEnv, cloudsYamlPaths, parseCloudsYaml } from './clouds-yaml.js';
import { authenticate, catalogUrl, type KeystoneAuth } from './keystone.js';
import { NovaAdapter } from './nova.js';
import { openstack } from './provider.js';

const ID = 'openstack';

/** OS_* variables, or the OS_CLOUD entry of clouds.yaml (its values lose to explicit variables). */
export async function openstackEnv(ctx: ProviderContext): Promise<Env> {
  const cloud = envValue(ctx.env, 'OS_CLOUD');
  if (!cloud) return ctx.env;
  for (const path of cloudsYamlPaths(ctx.env)) {
    const text = await ctx.readTextFile?.(path);
    if (text === undefined) continue;
    const fromFile = cloudAsEnv(parseCloudsYaml(text), cloud);
    if (!fromFile) {
      throw new RescueError('config.missing-credentials', {
        provider: ID,
        variables: `clouds.${cloud} in ${path}`,
      });
    }
    // A vendor profile (openstacksdk config/vendors/*.json) supplies auth_url; none is bundled here,
    // so a cloud that relies on one is told exactly what to add instead of failing at the first call.
    if (fromFile.OS_PROFILE && !fromFile.OS_AUTH_URL && !ctx.env.OS_AUTH_URL && !ctx.endpoint) {
      throw new RescueError('config.missing-credentials', {
        provider: ID,
        variables: `auth.auth_url in clouds.${cloud} of ${path} (its profile "${fromFile.OS_PROFILE}" is not bundled)`,
      });
    }
    return { ...fromFile, ...ctx.env };
  }
  throw new RescueError('config.missing-credentials', {
    provider: ID,
    variables: `clouds.yaml (OS_CLOUD=${cloud})`,
  });
}

/** Keystone v3 auth from OS_* names, as python-openstackclient reads them. */
export function keystoneAuthFromEnv(env: Env, defaultDomain: string | undefined): KeystoneAuth | undefined {
  const appId = envValue(env, 'OS_APPLICATION_CREDENTIAL_ID');
  const appSecret = envValue(env, 'OS_APPLICATION_CREDENTIAL_SECRET');
  if (appId && appSecret) {
    registerSecret(appSecret);
    return { version: 3, method: 'application_credential', id: appId, secret: appSecret };
  }
  const password = envValue(env, 'OS_PASSWORD');
  const userId = envValue(env, 'OS_USER_ID');
  const userName = envValue(env, 'OS_USERNAME');
  if (!password || !(userId || userName)) return undefined;
  registerSecret(password);
  // OS_DEFAULT_DOMAIN is a domain ID, as osc-lib's _auth_default_domain reads it (user_domain_id /
  // project_domain_id), used only where neither a domain name nor an id was given.
  const defaultDomainId = envValue(env, 'OS_DEFAULT_DOMAIN') ?? defaultDomain;
  const userDomainName = envValue(env, 'OS_USER_DOMAIN_NAME');
  const projectDomainName = envValue(env, 'OS_PROJECT_DOMAIN_NAME');
  const userDomainId = envValue(env, 'OS_USER_DOMAIN_ID') ?? (userDomainName ? undefined : defaultDomainId);
  const projectDomainId =
    envValue(env, 'OS_PROJECT_DOMAIN_ID') ?? (projectDomainName ? undefined : defaultDomainId);
  const projectId = envValue(env, 'OS_PROJECT_ID', 'OS_TENANT_ID');
  const projectName = envValue(env, 'OS_PROJECT_NAME', 'OS_TENANT_NAME');
  return {
    version: 3,
    method: 'password',
    password,
    user: {
      ...(userId ? { id: userId } : { name: userName }),
      ...(userDomainId ? { domainId: userDomainId } : userDomainName ? { domainName: userDomainName } : {}),
    },
    ...(projectId || projectName
      ? {
          project: {
            ...(projectId ? { id: projectId } : { name: projectName }),
            ...(projectDomainId
              ? { domainId: projectDomainId }
              : projectDomainName
                ? { domainName: projectDomainName }
                : {}),
          },
        }
      : {}),
  };
}

export async function createAdapter(ctx: ProviderContext): Promise<ProviderAdapter> {
  const env = await openstackEnv(ctx);
  const authUrl = (ctx.endpoint ?? envValue(env, 'OS_AUTH_URL'))?.replace(/\/+$/, '');
  // Keystone's built-in domain has the id `default` (its name is `Default`); osc-lib defaults to the id.
  const auth = keystoneAuthFromEnv(env, 'default');
  if (!authUrl || !auth) throw missingCredentials(ID, openstack.credentialHelp);
  return new LazyNova(
    ctx,
    async () => {
      const session = await authenticate(ID, authUrl, auth, ctx.timeoutMs);
      const region = envValue(env, 'OS_REGION_NAME');
      const computeUrl = catalogUrl(
        session.catalog,
        'compute',
        region,
        envValue(env, 'OS_INTERFACE') ?? 'public',
      );
      if (!computeUrl) {
        throw new RescueError('provider.api', {
          provider: ID,
          status: '-',
          operation: 'authenticate',
          detail: `: no compute endpoint in the catalog${region ? ` for region ${region}` : ''}`,
        });
      }
      return new HttpClient({
        provider: ID,
        baseURL: computeUrl,
        headers: { 'X-Auth-Token': session.token },
        ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
        ...(ctx.retry ? { retry: ctx.retry } : {}),
      });
    },
    { id: ID, consoleApi: 'auto' },
  );
}

/**
 * A NovaAdapter that authenticates on first use: creating the adapter stays offline (the CLI and the
 * contract test create adapters without calling anyone).
 */
export class LazyNova implements ProviderAdapter {
  private nova?: Promise<NovaAdapter>;
  readonly capabilities: NovaAdapter['capabilities'] = ['serialConsole', 'vncConsole'];

  constructor(
    private readonly ctx: ProviderContext,
    private readonly connect: () => Promise<HttpClient>,
    private readonly options: ConstructorParameters<typeof NovaAdapter>[2],
  ) {}

  get id(): string {
    return this.options.id;
  }

  private adapter(): Promise<NovaAdapter> {
    // A failed login is not cached: the next call tries again.
    this.nova ??= this.connect().then(
      (http) => new NovaAdapter(http, this.ctx, this.options),
      (err: unknown) => {
        this.nova = undefined;
        throw err;
      },
    );
    return this.nova;
  }

  async findServer(...args: Parameters<NovaAdapter['findServer']>) {
    return (await this.adapter()).findServer(...args);
  }

  async openConsole(...args: Parameters<NovaAdapter['openConsole']>) {
    return (await this.adapter()).openConsole(...args);
  }
}

import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { envSecret, envValue } from '../credentials.js';
import { missingCredentials } from '../errors.js';
import { DEFAULT_RETRY, httpError } from '../http.js';
import type { ProviderContext } from '../types.js';
import { azure } from './provider.js';

export const ID = 'azure';
const PUBLIC_ARM = 'https://management.azure.com';
const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

/** The clients, the credential behind them, and the ARM base every hand-made call goes to. */
export interface AzureConnection {
  subscriptionId: string;
  credential: TokenCredential;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  /** ARM base URL without a trailing slash. */
  arm: string;
  /** The token audience for ARM, e.g. https://management.azure.com/.default. */
  scope: string;
  /** PEM text of the CAs to trust instead of the system's (REQUESTS_CA_BUNDLE), for every TLS connection. */
  ca?: string;
}

/**
 * The credential as DefaultAzureCredential finds it, but read from the environment the CLI hands
 * over (never process.env): a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET) first, as its environment step does; otherwise DefaultAzureCredential
 * itself (workload identity, managed identity, `az login`, azd, PowerShell). An authority other than
 * Microsoft's public one (AZURE_AUTHORITY_HOST: a sovereign cloud, Azure Stack, the lab) is used as
 * given, without asking login.microsoftonline.com to vouch for it.
 */
export async function connectAzure(ctx: ProviderContext, subscriptionId: string): Promise<AzureConnection> {
  const caFile = envValue(ctx.env, 'REQUESTS_CA_BUNDLE');
  const ca = caFile ? await ctx.readTextFile?.(caFile) : undefined;
  if (caFile && !ca) {
    throw new RescueError('config.missing-credentials', {
      provider: ID,
      variables: `REQUESTS_CA_BUNDLE (${caFile})`,
    });
  }
  const tlsOptions = ca ? { ca } : undefined;
  const authorityHost = envValue(ctx.env, 'AZURE_AUTHORITY_HOST') ?? PUBLIC_AUTHORITY;
  const tenantId = envValue(ctx.env, 'AZURE_TENANT_ID');
  const clientId = envValue(ctx.env, 'AZURE_CLIENT_ID');
  const secret = envSecret(ctx.env, 'AZURE_CLIENT_SECRET');
  const identityOptions = {
    authorityHost,
    disableInstanceDiscovery: authorityHost.replace(/\/+$/, '') !== PUBLIC_AUTHORITY,
    ...(tlsOptions ? { tlsOptions } : {}),
  };
  const credential: TokenCredential =
    tenantId && clientId && secret
      ? new ClientSecretCredential(tenantId, clientId, secret, identityOptions)
      : new DefaultAzureCredential({
          ...identityOptions,
          ...(clientId ? { managedIdentityClientId: clientId } : {}),
        });

  const arm = (ctx.endpoint ?? PUBLIC_ARM).replace(/\/+$/, '');
  const scope = `${arm === PUBLIC_ARM ? PUBLIC_ARM : arm}/.default`;
  const policy = { ...DEFAULT_RETRY, ...ctx.retry };
  const common = {
    endpoint: arm,
    retryOptions: {
      maxRetries: policy.retries,
      retryDelayInMs: policy.baseDelayMs,
      maxRetryDelayInMs: policy.maxDelayMs,
    },
    ...(tlsOptions ? { tlsOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'vps-rescue' },
  };
  return {
    subscriptionId,
    credential,
    compute: new ComputeManagementClient(credential, subscriptionId, {
      ...common,
      credentials: { scopes: [scope] },
    }),
    network: new NetworkManagementClient(credential, subscriptionId, {
      ...common,
      credentialScopes: [scope],
    }),
    arm,
    scope,
    ...(ca ? { ca } : {}),
  };
}

/**
 * The subscription: AZURE_SUBSCRIPTION_ID, or the one `az account set` made the default (the
 * Azure CLI keeps it in azureProfile.json under AZURE_CONFIG_DIR, default ~/.azure).
 */
export async function subscriptionOf(ctx: ProviderContext): Promise<string> {
  const fromEnv = envValue(ctx.env, 'AZURE_SUBSCRIPTION_ID');
  if (fromEnv) return fromEnv;
  const dir = envValue(ctx.env, 'AZURE_CONFIG_DIR') ?? (ctx.env.HOME ? `${ctx.env.HOME}/.azure` : undefined);
  const text = dir ? await ctx.readTextFile?.(`${dir}/azureProfile.json`) : undefined;
  if (text) {
    try {
      // The CLI writes the file with a byte order mark.
      const profile = JSON.parse(text.replace(/^\uFEFF/, '')) as {
        subscriptions?: { id?: string; isDefault?: boolean }[];
      };
      const chosen = profile.subscriptions?.find((s) => s.isDefault)?.id;
      if (chosen) return chosen;
    } catch {
      // An unreadable profile is the same as none: the variable is asked for below.
    }
  }
  throw missingCredentials(ID, azure.credentialHelp);
}

interface RestErrorLike {
  name: string;
  statusCode?: number;
  code?: string;
  message: string;
  response?: { headers?: { toJSON?: () => Record<string, string> } };
}

const isRestError = (err: unknown): err is RestErrorLike => err instanceof Error && err.name === 'RestError';

/** Identity's own failures: no credential found at all, or the token endpoint refused it. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationError',
  'AuthenticationRequiredError',
]);

/**
 * An SDK failure as the shared error codes: ARM's status and error code decide (a 401 saying
 * ExpiredAuthenticationToken says to log in again), identity's failures say which credentials were
 * looked for. Anything else (a refused connection, a timeout) is provider.api with its message.
 */
export function azureError(
  ctx: ProviderContext,
  err: unknown,
  operation: string,
  notFound?: () => RescueError,
): RescueError {
  if (err instanceof RescueError) return err;
  if (isRestError(err) && err.statusCode !== undefined) {
    const headers = err.response?.headers?.toJSON?.() ?? {};
    if (err.statusCode === 401 && err.code === 'ExpiredAuthenticationToken') {
      return new RescueError(
        'auth.failed',
        { provider: ID, status: 401, detail: '' },
        { hints: [t(ctx.lang, 'providers.hint.azure-token-expired')] },
      );
    }
    return httpError(
      ID,
      { operation, ...(notFound ? { notFound } : {}) },
      {
        status: err.statusCode,
        statusText: '',
        headers,
        data: { error: { code: err.code, message: err.message } },
      },
    );
  }
  if (err instanceof Error && CREDENTIAL_ERRORS.has(err.name)) {
    const detail = err.message.split('\n')[0]?.slice(0, 300) ?? '';
    const status = (err as { statusCode?: number }).statusCode ?? '-';
    return new RescueError(
      'auth.failed',
      { provider: ID, status, detail: '' },
      { hints: [t(ctx.lang, 'providers.hint.azure-credentials', { detail })] },
    );
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new RescueError('provider.timeout', {
      provider: ID,
      operation,
      seconds: Math.round((ctx.timeoutMs ?? 60_000) / 1000),
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RescueError('provider.api', {
    provider: ID,
    status: '-',
    operation,
    detail: `: ${message.slice(0, 300)}`,
  });
}

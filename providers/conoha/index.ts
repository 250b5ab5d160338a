import { envValue } from '../credentials.js';
import { missingCredentials } from '../errors.js';
import { HttpClient } from '../http.js';
import type { ProviderAdapter, ProviderContext } from '../types.js';
import { LazyNova } from '../openstack/index.js';
import { authenticate, catalogUrl, type KeystoneAuth } from '../openstack/keystone.js';
import { registerSecret } from '../../src/secrets.js';
import { conoha } from './provider.js';

/**
 * ConoHa is OpenStack with fixed per-region endpoints. VPS 3.0 (region c3j1): Keystone v3 without
 * domains and Nova 2.1 remote-consoles. VPS 2.0 (tyo1, tyo2, sin1, sjc1): Keystone v2.0 tokens and
 * the pre-2.6 console actions under /v2/{tenant_id}. The display name is metadata.instance_name_tag.
 */
const ID = 'conoha';
export const VPS2_REGIONS = ['tyo1', 'tyo2', 'sin1', 'sjc1'];
export const DEFAULT_REGION = 'c3j1';

export function identityUrl(region: string): string {
  return VPS2_REGIONS.includes(region)
    ? `https://identity.${region}.conoha.io/v2.0`
    : `https://identity.${region}.conoha.io/v3`;
}

export function createAdapter(ctx: ProviderContext): ProviderAdapter {
  const env = ctx.env;
  const region = envValue(env, 'CONOHA_REGION', 'OS_REGION_NAME') ?? DEFAULT_REGION;
  const authUrl = (ctx.endpoint ?? envValue(env, 'OS_AUTH_URL') ?? identityUrl(region)).replace(/\/+$/, '');
  const vps2 = /\/v2\.0$/.test(authUrl);
  const password = envValue(env, 'OS_PASSWORD');
  const userId = envValue(env, 'OS_USER_ID');
  const userName = envValue(env, 'OS_USERNAME');
  const tenantId = envValue(env, 'OS_TENANT_ID', 'OS_PROJECT_ID');
  const tenantName = envValue(env, 'OS_TENANT_NAME', 'OS_PROJECT_NAME');
  if (!password || !(userId || userName) || !(tenantId || tenantName))
    throw missingCredentials(ID, conoha.credentialHelp);
  registerSecret(password);

  const auth: KeystoneAuth = vps2
    ? {
        version: 2,
        username: userName ?? userId ?? '',
        password,
        ...(tenantId ? { tenantId } : { tenantName }),
      }
    : {
        version: 3,
        method: 'password',
        password,
        user: userId ? { id: userId } : { name: userName },
        project: tenantId ? { id: tenantId } : { name: tenantName },
      };
  return new LazyNova(
    ctx,
    async () => {
      const session = await authenticate(ID, authUrl, auth, ctx.timeoutMs);
      const fallback = vps2
        ? `https://compute.${region}.conoha.io/v2/${tenantId ?? ''}`
        : `https://compute.${region}.conoha.io/v2.1`;
      return new HttpClient({
        provider: ID,
        baseURL: catalogUrl(session.catalog, 'compute', region) ?? fallback,
        headers: { 'X-Auth-Token': session.token },
        ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
        ...(ctx.retry ? { retry: ctx.retry } : {}),
      });
    },
    { id: ID, consoleApi: vps2 ? 'legacy' : 'remote-consoles', nameTag: 'instance_name_tag' },
  );
}

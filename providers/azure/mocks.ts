import nock from 'nock';
import { fixtureOf } from '../contract-row.js';

/**
 * nock scopes for the Azure adapter's tests (test support only, never in the built package):
 * Microsoft Entra ID at a private authority host (so MSAL asks no one to vouch for it) and ARM.
 */
export const fx = fixtureOf(import.meta.url);
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000aa';
export const ARM = 'https://management.azure.com';
export const LOGIN = 'https://login.example.test';
export const VM_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1`;
/** api-version @azure/arm-compute 24.1.0 sends (its generated operations). */
export const COMPUTE_API = '2026-03-01';
/** api-version @azure/arm-network 36.0.0 sends. */
export const NETWORK_API = '2025-05-01';

export const ENV = {
  AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
  AZURE_TENANT_ID: TENANT,
  AZURE_CLIENT_ID: '5d5e2f7a-0b1c-4d3e-8f9a-0b1c2d3e4f5a',
  AZURE_CLIENT_SECRET: 'CANARY-contract-azure-secret',
  AZURE_AUTHORITY_HOST: LOGIN,
};

/** One client-credentials login: the tenant's OpenID metadata, then the token endpoint. */
export function mockLogin(): void {
  const login = nock(LOGIN);
  login.get(`/${TENANT}/v2.0/.well-known/openid-configuration`).reply(200, fx('openid-configuration.json'));
  login
    .post(`/${TENANT}/oauth2/v2.0/token`, (body: Record<string, string>) => {
      return (
        body.grant_type === 'client_credentials' && (body.scope ?? '').split(' ').includes(`${ARM}/.default`)
      );
    })
    .query(true)
    .reply(200, fx('token.json'));
}

export const vmGet = (name = 'web-1') =>
  nock(ARM)
    .get(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
    )
    .query({ 'api-version': COMPUTE_API, $expand: 'instanceView' });

export const vmListAll = () =>
  nock(ARM)
    .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines`)
    .query({ 'api-version': COMPUTE_API });

export function mockAddressLookup(): void {
  nock(ARM)
    .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/publicIPAddresses`)
    .query({ 'api-version': NETWORK_API })
    .reply(200, fx('public-ips-list-all.json'));
  nock(ARM)
    .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/networkInterfaces`)
    .query({ 'api-version': NETWORK_API })
    .reply(200, fx('nics-list-all.json'));
}

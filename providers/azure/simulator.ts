import { randomBytes, randomUUID } from 'node:crypto';
import { json } from '../../lab/simulator/http.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';
import { AzureApi } from './simulator/api.js';
import { startTlsFront } from './simulator/tls.js';

const PREFIX = '/azure';

/**
 * The lab simulator's Azure: Entra ID's token endpoint, ARM (Compute, Network, SerialConsole) and
 * the serial console gateway, behind an https front (the SDK sends bearer tokens over https only)
 * whose certificate the adapter trusts through REQUESTS_CA_BUNDLE. Lab only.
 */
export const simulator: SimulatedVendor = {
  start: async ({ servers, base }): Promise<VendorInstance> => {
    const account = {
      subscriptionId: randomUUID(),
      tenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: randomBytes(30).toString('base64url'),
    };
    const front = await startTlsFront(base, PREFIX);
    const api = new AzureApi(account, servers, () => front.url);
    return {
      mounts: [
        {
          provider: 'azure',
          prefix: PREFIX,
          routes: api.routes(),
          notFound: () =>
            json(404, {
              error: { code: 'InvalidResourceType', message: 'The resource type could not be found.' },
            }),
        },
      ],
      upgrade: {
        matches: (url) => url.pathname.startsWith(`${PREFIX}/n/connector/`),
        handle: ({ req, socket, head, url, logAs }) => {
          logAs('azure-serial');
          api.handleUpgrade(req, socket, head, url.pathname.slice(PREFIX.length), url.searchParams);
        },
      },
      endpoint: () => front.url,
      env: () => ({
        AZURE_SUBSCRIPTION_ID: account.subscriptionId,
        AZURE_TENANT_ID: account.tenantId,
        AZURE_CLIENT_ID: account.clientId,
        AZURE_CLIENT_SECRET: account.clientSecret,
        AZURE_AUTHORITY_HOST: front.url,
        REQUESTS_CA_BUNDLE: front.caFile,
      }),
      close: async () => {
        api.close();
        await front.close();
      },
    };
  },
};

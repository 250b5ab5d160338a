import nock from 'nock';
import { answer, type ContractRow } from '../contract-row.js';
import { SERIAL_CONSOLE_API } from './index.js';
import {
  ARM,
  ENV,
  fx,
  mockAddressLookup,
  mockLogin,
  SUBSCRIPTION,
  VM_ID,
  vmGet,
  vmListAll,
} from './mocks.js';

/** How azure answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
  id: 'azure',
  env: ENV,
  serverId: VM_ID,
  lookup: (...replies) => {
    mockLogin();
    answer(() => vmGet(), replies);
  },
  found: fx('vm-web-1.json'),
  missing: { status: 404, body: fx('error-vm-not-found.json') },
  name: 'web-1',
  // The subscription's VM list finds the name; only a single match is then read with its instance view.
  byName: ({ status, body }) => {
    mockLogin();
    vmListAll().reply(status, body as object);
    const named = (body as { value?: { name?: string }[] }).value?.filter((vm) => vm.name === 'web-1') ?? [];
    if (status === 200 && named.length === 1) vmGet().reply(200, fx('vm-web-1.json'));
  },
  named: (count) => {
    const listed = (fx('vms-list-all.json').value as Record<string, unknown>[])[0]!;
    const twin = { ...listed, id: String(listed.id).replace('rg-web', 'rg-staging') };
    return { value: count === 1 ? [listed] : [listed, twin] };
  },
  ip: '203.0.113.60',
  byIp: () => {
    mockLogin();
    mockAddressLookup();
    vmGet().reply(200, fx('vm-web-1.json'));
  },
  // Each connect answers a new session URL at the regional gateway; the ARM token rides in its query.
  console: {
    kind: 'serial',
    expires: true,
    answer: (secret) => {
      const query = { 'api-version': SERIAL_CONSOLE_API };
      nock(ARM)
        .get(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.SerialConsole/consoleServices/default`)
        .query(query)
        .reply(200, fx('console-status-enabled.json'));
      nock(ARM)
        .post(`${VM_ID}/providers/Microsoft.SerialConsole/serialPorts/0/connect`)
        .query(query)
        .reply(200, {
          connectionString: `wss://japaneast.gateway.serialconsole.azure.com/n/connector/c0ffee/sessions/${secret}/client`,
        });
    },
  },
};

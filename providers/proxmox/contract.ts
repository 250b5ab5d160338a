import nock from 'nock';
import { answer, twice, fixtureOf, type ContractRow } from '../contract-row.js';

const fx = fixtureOf(import.meta.url);

/** How proxmox answers the shared adapter contract (providers/contract.test.ts). Test support only. */
export const contract: ContractRow = {
  id: 'proxmox',
  env: {
    PROXMOX_VE_ENDPOINT: 'https://pve.example.test:8006',
    PROXMOX_VE_API_TOKEN: 'root@pam!c=CANARY-contract-pve',
  },
  serverId: '100',
  // Proxmox has no "get VM by id" outside its node: the cluster list is the lookup.
  lookup: (...replies) => {
    answer(
      () => nock('https://pve.example.test:8006').get('/api2/json/cluster/resources').query({ type: 'vm' }),
      replies,
    );
  },
  found: fx('cluster-resources.json'),
  missing: { status: 200, body: { data: [] } },
  name: 'web-1',
  byName: ({ status, body }) => {
    nock('https://pve.example.test:8006')
      .get('/api2/json/cluster/resources')
      .query({ type: 'vm' })
      .reply(status, body as object);
  },
  named: (count) => ({
    data: twice((fx('cluster-resources.json').data as Record<string, unknown>[])[0]!, count, 'vmid', 105),
  }),
  // Only the guest agent knows a VM's addresses: every running QEMU VM is asked.
  ip: '203.0.113.50',
  byIp: () => {
    const pve = nock('https://pve.example.test:8006');
    pve.get('/api2/json/cluster/resources').query({ type: 'vm' }).reply(200, fx('cluster-resources.json'));
    pve
      .get('/api2/json/nodes/pve1/qemu/100/agent/network-get-interfaces')
      .reply(200, fx('agent-interfaces-100.json'));
    pve
      .get('/api2/json/nodes/pve2/qemu/101/agent/network-get-interfaces')
      .reply(500, fx('agent-not-running.json'));
  },
  // A VNC ticket is checked when the websocket opens and lasts two hours at most; the proxy itself
  // waits for one connection only.
  console: {
    kind: 'vnc',
    expires: true,
    answer: (secret) => {
      const answer = fx('vncproxy.json') as { data: Record<string, unknown> };
      nock('https://pve.example.test:8006')
        .post('/api2/json/nodes/pve1/qemu/100/vncproxy')
        .reply(200, { data: { ...answer.data, ticket: `PVEVNC:6631F2A1::${secret}` } });
    },
  },
};

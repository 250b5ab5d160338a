import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProxmoxApi } from './simulator/api.js';
import type { ConsoleGateways, SimServer } from '../../lab/simulator/servers.js';
import { pveSchemaErrors, type PveSchema } from '../../test/support/pve-schema.js';

/**
 * Every Proxmox fixture against the vendor's own API schema (apidoc/, origin in its README), so a
 * field the adapter reads cannot be one Proxmox does not send.
 */
type Schema = Record<string, Record<string, { returns: PveSchema }>>;
const schema = JSON.parse(readFileSync(new URL('apidoc/schema.json', import.meta.url), 'utf8')) as Schema;
const data = (fixture: string): unknown =>
  (JSON.parse(readFileSync(new URL(`fixtures/${fixture}`, import.meta.url), 'utf8')) as { data: unknown })
    .data;
const returns = (path: string, method: string) => schema[path]![method]!.returns;

const VM = '/nodes/{node}/qemu/{vmid}';
export const FIXTURE_CALLS: [fixture: string, path: string, method: string][] = [
  ['cluster-resources.json', '/cluster/resources', 'GET'],
  ['vncproxy.json', `${VM}/vncproxy`, 'POST'],
  ['vncproxy-9.1.7.json', `${VM}/vncproxy`, 'POST'],
  ['termproxy.json', `${VM}/termproxy`, 'POST'],
  ['agent-interfaces-100.json', `${VM}/agent/network-get-interfaces`, 'GET'],
  ['exec.json', `${VM}/agent/exec`, 'POST'],
  ['exec-status-running.json', `${VM}/agent/exec-status`, 'GET'],
  ['exec-status-done.json', `${VM}/agent/exec-status`, 'GET'],
  ['apt-versions-8.4.json', '/nodes/{node}/apt/versions', 'GET'],
  ['apt-versions-9.1.7.json', '/nodes/{node}/apt/versions', 'GET'],
  ['ticket.json', '/access/ticket', 'POST'],
];

describe('Proxmox fixtures fit the PVE API schema (pve-docs apidata.js 9.1.3)', () => {
  for (const [fixture, path, method] of FIXTURE_CALLS) {
    it(`${fixture} ~ ${method} ${path}`, () => {
      expect(pveSchemaErrors(returns(path, method), data(fixture))).toEqual([]);
    });
  }

  it('the schema knows the VNC `password` field (optional) the adapter prefers to the ticket', () => {
    const vnc = returns(`${VM}/vncproxy`, 'POST');
    expect(vnc.properties?.password).toMatchObject({ type: 'string', optional: 1 });
  });

  it('the check itself finds a drift: a missing field, an extra one, a wrong type', () => {
    const vnc = returns(`${VM}/vncproxy`, 'POST');
    expect(pveSchemaErrors(vnc, { port: '5900', ticket: 't', upid: 'u', user: 'x', vncticket: 1 })).toEqual([
      '$.cert: required but missing',
      '$.vncticket: not in the schema',
    ]);
    expect(pveSchemaErrors(vnc, { cert: 'c', port: 'five', ticket: 't', upid: 'u', user: 'x' })).toEqual([
      '$.port: "five" is not a integer',
    ]);
  });

  describe('the lab simulator answers in the same schema', () => {
    const TOKEN = 'root@pam!rescue';
    const server = {
      name: 'web-1',
      address: '127.0.0.2',
      consoleSocket: '/nonexistent',
      vnc: { host: '127.0.0.1', port: 5999 },
      exec: async () => ({ code: 0, stdout: 'ok\n', stderr: '' }),
      serialPort: true,
      guestAgent: true,
      uuid: 'u',
      vmid: 100,
      numericId: 4000,
    } as unknown as SimServer;
    // The console gateways are not started: their ports are all the answers need.
    const consoles = {
      termproxy: async () => 5900,
      vnc: { allocatePort: () => 5901, add: () => undefined, timings: {} },
    } as unknown as ConsoleGateways;
    const api = new ProxmoxApi(
      { tokenId: TOKEN, tokenSecret: 's', username: 'root@pam', password: 'p' },
      () => [server],
      consoles,
    );
    const call = async (method: string, path: string, body: Record<string, unknown> = {}, query = '') => {
      const found = api.routes().find((r) => r.method === method && r.path.test(path));
      if (!found) throw new Error(`no simulator route for ${method} ${path}`);
      const reply = await found.handler(
        {
          method,
          path,
          query: new URLSearchParams(query),
          headers: { authorization: `PVEAPIToken=${TOKEN}=s` },
          body,
        },
        found.path.exec(path)!,
      );
      expect(reply.status, `${method} ${path}`).toBe(200);
      return (reply.body as { data: unknown }).data;
    };
    const SIM_CALLS: [string, string, string, Record<string, unknown>?, string?][] = [
      ['GET', '/cluster/resources', '/cluster/resources', {}, 'type=vm'],
      ['POST', '/nodes/lab/qemu/100/vncproxy', `${VM}/vncproxy`, { websocket: 1 }],
      ['POST', '/nodes/lab/qemu/100/termproxy', `${VM}/termproxy`, { serial: 'serial0' }],
      ['GET', '/nodes/lab/qemu/100/agent/network-get-interfaces', `${VM}/agent/network-get-interfaces`],
      ['GET', '/nodes/lab/apt/versions', '/nodes/{node}/apt/versions'],
      ['POST', '/access/ticket', '/access/ticket', { username: 'root@pam', password: 'p' }],
    ];
    for (const [method, path, schemaPath, body, query] of SIM_CALLS) {
      it(`${method} ${path}`, async () => {
        const answer = await call(method, path, body, query);
        expect(pveSchemaErrors(returns(schemaPath, method), answer)).toEqual([]);
      });
    }
  });
});

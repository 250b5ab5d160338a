import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import { header, json, route, sameSecret, type Route, type SimReply } from '../../../lab/simulator/http.js';
import { refuseUpgrade } from '../../../lab/simulator/relay.js';
import type { SimServer } from '../../../lab/simulator/servers.js';
import { RunCommands } from './run-commands.js';

export interface AzureAccount {
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const GROUP = 'rg-lab';
const LOCATION = 'japaneast';
/** A Run Command that ends this soon is answered at once (200), as the API allows; slower ones poll (202). */
const ANSWER_AT_ONCE_MS = 800;
const TOKEN_TTL_S = 3599;
const CONSOLE_URL_TTL_MS = 60_000;

const armError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);

/**
 * Microsoft Entra ID (client credentials), ARM for Compute, Network and Microsoft.SerialConsole,
 * and the serial console gateway, for the lab servers as VMs of one resource group. Shapes follow
 * azure-rest-api-specs (see ../fixtures/SOURCES.md). Lab only.
 */
export class AzureApi {
  private readonly tokens = new Map<string, number>();
  private readonly sessions = new Map<string, { server: SimServer; expiresAt: number }>();
  private readonly runs = new RunCommands();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  constructor(
    private readonly account: AzureAccount,
    private readonly servers: () => SimServer[],
    /** The https base the client sees (the TLS front). */
    private readonly front: () => string,
  ) {}

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private vmId(server: SimServer): string {
    return `/subscriptions/${this.account.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Compute/virtualMachines/${server.name}`;
  }

  private nicId(server: SimServer): string {
    return `/subscriptions/${this.account.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Network/networkInterfaces/${server.name}-nic`;
  }

  private vm(server: SimServer, instanceView: boolean): Record<string, unknown> {
    return {
      name: server.name,
      id: this.vmId(server),
      type: 'Microsoft.Compute/virtualMachines',
      location: LOCATION,
      properties: {
        vmId: server.uuid,
        hardwareProfile: { vmSize: 'Standard_B1s' },
        storageProfile: {
          osDisk: { osType: 'Linux', name: `${server.name}_OsDisk_1`, createOption: 'FromImage' },
        },
        osProfile: {
          computerName: server.name,
          adminUsername: 'alice',
          linuxConfiguration: { disablePasswordAuthentication: false, provisionVMAgent: true },
        },
        networkProfile: { networkInterfaces: [{ id: this.nicId(server) }] },
        // The lab's switch "no serial port" is a VM without boot diagnostics: no serial console.
        diagnosticsProfile: { bootDiagnostics: { enabled: server.serialPort } },
        provisioningState: 'Succeeded',
        ...(instanceView
          ? {
              instanceView: {
                computerName: server.name,
                osName: 'debian',
                vmAgent: {
                  vmAgentVersion: '2.9.1.1',
                  statuses: [
                    server.guestAgent
                      ? {
                          code: 'ProvisioningState/succeeded',
                          level: 'Info',
                          displayStatus: 'Ready',
                          message: 'Guest Agent is running',
                        }
                      : {
                          code: 'ProvisioningState/Unavailable',
                          level: 'Warning',
                          displayStatus: 'Not Ready',
                          message: 'VM status blob is found but not yet populated.',
                        },
                  ],
                },
                statuses: [
                  {
                    code: 'ProvisioningState/succeeded',
                    level: 'Info',
                    displayStatus: 'Provisioning succeeded',
                  },
                  { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' },
                ],
              },
            }
          : {}),
      },
    };
  }

  private byName(name: string): SimServer | undefined {
    return this.servers().find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  private authorized(token: string | undefined): boolean {
    const expires = token ? this.tokens.get(token) : undefined;
    return expires !== undefined && Date.now() < expires;
  }

  /** ARM's answer to a missing, unknown or expired bearer token. */
  private arm(
    handler: (
      m: RegExpExecArray,
      query: URLSearchParams,
      body: Record<string, unknown>,
    ) => SimReply | Promise<SimReply>,
  ): Route['handler'] {
    return (req, m) => {
      const auth = header(req, 'authorization') ?? '';
      const token = /^Bearer (.+)$/.exec(auth)?.[1];
      if (!token)
        return armError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
        );
      if (token && this.tokens.has(token) && !this.authorized(token))
        return armError(401, 'ExpiredAuthenticationToken', 'The access token has expired.');
      if (!this.authorized(token))
        return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      if (m.groups?.sub !== undefined && m.groups.sub !== this.account.subscriptionId)
        return armError(
          404,
          'SubscriptionNotFound',
          `The subscription '${m.groups.sub}' could not be found.`,
        );
      return handler(m, req.query, req.body);
    };
  }

  routes(): Route[] {
    const sub = '/subscriptions/(?<sub>[^/]+)';
    const vmPath = `${sub}/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\\.Compute/virtualMachines/(?<vm>[^/]+)`;
    const vmOf = (m: RegExpExecArray) =>
      m.groups?.rg?.toLowerCase() === GROUP ? this.byName(m.groups.vm ?? '') : undefined;
    const notFound = (m: RegExpExecArray) =>
      armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Compute/virtualMachines/${m.groups?.vm}' under resource group '${m.groups?.rg}' was not found.`,
      );
    const tenant = `^/${this.account.tenantId}`;
    return [
      route('GET', new RegExp(`${tenant}/v2\\.0/\\.well-known/openid-configuration$`), () => this.openid()),
      route('POST', new RegExp(`${tenant}/oauth2/v2\\.0/token$`), (req) => this.token(req.body)),
      route(
        'GET',
        new RegExp(`^${sub}/providers/Microsoft\\.Compute/virtualMachines$`),
        this.arm(() => json(200, { value: this.servers().map((s) => this.vm(s, false)) })),
      ),
      route(
        'GET',
        new RegExp(`^${vmPath}$`),
        this.arm((m, q) => {
          const server = vmOf(m);
          return server ? json(200, this.vm(server, q.get('$expand') === 'instanceView')) : notFound(m);
        }),
      ),
      route(
        'POST',
        new RegExp(`^${vmPath}/runCommand$`),
        this.arm((m, _q, body) => this.runCommand(m, vmOf(m), body)),
      ),
      route(
        'GET',
        new RegExp(`^${sub}/providers/Microsoft\\.Compute/locations/[^/]+/operations/(?<op>[^/]+)$`),
        this.arm((m, q) => this.operation(m.groups?.op ?? '', q)),
      ),
      route(
        'GET',
        new RegExp(`^${sub}/providers/Microsoft\\.Network/networkInterfaces$`),
        this.arm(() => json(200, { value: this.servers().map((s, i) => this.nic(s, i)) })),
      ),
      route(
        'GET',
        new RegExp(`^${sub}/providers/Microsoft\\.Network/publicIPAddresses$`),
        this.arm(() => json(200, { value: this.servers().map((s) => this.publicIp(s)) })),
      ),
      route(
        'GET',
        new RegExp(`^${sub}/providers/Microsoft\\.SerialConsole/consoleServices/default$`),
        this.arm(() => json(200, { properties: { disabled: false } })),
      ),
      route(
        'POST',
        new RegExp(`^${vmPath}/providers/Microsoft\\.SerialConsole/serialPorts/0/connect$`),
        this.arm((m) => this.connect(m, vmOf(m))),
      ),
    ];
  }

  private openid(): SimReply {
    const base = `${this.front()}/${this.account.tenantId}`;
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      cloud_instance_name: 'microsoftonline.com',
    });
  }

  private token(body: Record<string, unknown>): SimReply {
    if (body.grant_type !== 'client_credentials')
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'AADSTS70003: The app requested an unsupported grant type.',
      });
    if (
      body.client_id !== this.account.clientId ||
      !sameSecret(String(body.client_secret ?? ''), this.account.clientSecret)
    )
      return json(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
        error_codes: [7000215],
      });
    const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.sim`;
    this.tokens.set(token, Date.now() + TOKEN_TTL_S * 1000);
    return json(200, {
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_S,
      ext_expires_in: TOKEN_TTL_S,
      access_token: token,
    });
  }

  private nic(server: SimServer, index: number): Record<string, unknown> {
    const id = this.nicId(server);
    return {
      name: `${server.name}-nic`,
      id,
      location: LOCATION,
      type: 'Microsoft.Network/networkInterfaces',
      properties: {
        provisioningState: 'Succeeded',
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: `${id}/ipConfigurations/ipconfig1`,
            properties: {
              privateIPAddress: `10.0.0.${4 + index}`,
              privateIPAllocationMethod: 'Dynamic',
              privateIPAddressVersion: 'IPv4',
              primary: true,
              publicIPAddress: {
                id: id.replace(/networkInterfaces\/.*$/, `publicIPAddresses/${server.name}-ip`),
              },
            },
          },
        ],
        primary: true,
        virtualMachine: { id: this.vmId(server) },
      },
    };
  }

  private publicIp(server: SimServer): Record<string, unknown> {
    return {
      name: `${server.name}-ip`,
      id: `/subscriptions/${this.account.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Network/publicIPAddresses/${server.name}-ip`,
      location: LOCATION,
      type: 'Microsoft.Network/publicIPAddresses',
      properties: {
        provisioningState: 'Succeeded',
        ipAddress: server.address,
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: 'Static',
        ipConfiguration: { id: `${this.nicId(server)}/ipConfigurations/ipconfig1` },
      },
    };
  }

  private async runCommand(
    m: RegExpExecArray,
    server: SimServer | undefined,
    body: Record<string, unknown>,
  ): Promise<SimReply> {
    if (!server)
      return armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Compute/virtualMachines/${m.groups?.vm}' was not found.`,
      );
    if (body.commandId !== 'RunShellScript')
      return armError(
        400,
        'InvalidParameter',
        `The value '${String(body.commandId)}' of parameter 'commandId' is not valid.`,
      );
    if (!server.guestAgent || !server.exec)
      return armError(
        409,
        'VMAgentStatusCommunicationError',
        `VM '${server.name}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage.`,
      );
    const lines = Array.isArray(body.script) ? body.script.map(String) : [];
    const id = await this.runs.start(server, lines, ANSWER_AT_ONCE_MS);
    if (this.runs.done(id)) return json(200, this.runs.take(id));
    const status = `${this.front()}/subscriptions/${this.account.subscriptionId}/providers/Microsoft.Compute/locations/${LOCATION}/operations/${id}`;
    return json(202, undefined, {
      'Azure-AsyncOperation': `${status}?api-version=2026-03-01`,
      Location: `${status}?monitor=true&api-version=2026-03-01`,
      'Retry-After': '1',
    });
  }

  private operation(id: string, query: URLSearchParams): SimReply {
    if (query.get('monitor') === 'true') {
      const result = this.runs.result(id);
      if (result) return json(200, result);
      return this.runs.status(id)
        ? json(202, undefined, { 'Retry-After': '1' })
        : armError(404, 'NotFound', 'operation not found');
    }
    const status = this.runs.status(id);
    return status ? json(200, status) : armError(404, 'NotFound', 'operation not found');
  }

  private connect(m: RegExpExecArray, server: SimServer | undefined): SimReply {
    if (!server)
      return armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.Compute/virtualMachines/${m.groups?.vm}' was not found.`,
      );
    if (!server.serialPort)
      return armError(
        409,
        'BootDiagnosticsDisabled',
        'Boot diagnostics must be enabled to use the serial console.',
      );
    const session = randomUUID();
    this.sessions.set(session, { server, expiresAt: Date.now() + CONSOLE_URL_TTL_MS });
    const host = this.front().replace(/^https:/, 'wss:');
    return json(200, { connectionString: `${host}/n/connector/${server.uuid}/sessions/${session}/client` });
  }

  /** The console gateway: `/n/connector/<vm>/sessions/<id>/client?authorization=<token>`, text frames. */
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    path: string,
    query: URLSearchParams,
  ): void {
    const m = /^\/n\/connector\/[^/]+\/sessions\/([^/]+)\/client$/.exec(path);
    const session = m ? this.sessions.get(m[1]!) : undefined;
    if (!session || Date.now() > session.expiresAt) return refuseUpgrade(socket, 404, 'Not Found');
    if (!this.authorized(query.get('authorization') ?? undefined))
      return refuseUpgrade(socket, 401, 'Unauthorized');
    this.sessions.delete(m![1]!);
    const backend = net.connect({ path: session.server.consoleSocket });
    backend.once('error', () => socket.destroy());
    backend.once('connect', () => {
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => relay(ws, backend));
    });
  }
}

/** Bytes from the console as text frames; frames from the client, text or binary, to the console. */
function relay(ws: WebSocket, backend: net.Socket): void {
  const decoder = new StringDecoder('utf8');
  backend.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text) ws.send(text);
  });
  ws.on('message', (data: Buffer) => backend.write(data));
  const end = () => {
    backend.destroy();
    ws.terminate();
  };
  ws.on('close', end);
  ws.on('error', end);
  backend.on('close', end);
}

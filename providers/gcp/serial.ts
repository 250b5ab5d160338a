import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { SshGatewayEndpoint } from '../../src/console/endpoint.js';
import { hostKeySha256 } from '../../src/console/transport/ssh-gateway.js';
import { isRescueError } from '../../src/errors/rescue-error.js';
import { t, type MessageKey } from '../../src/i18n/index.js';
import { mask, registerSecret } from '../../src/secrets.js';
import { envValue } from '../credentials.js';
import { consoleUnavailable, notFound } from '../errors.js';
import { gcp } from './provider.js';
import type { ServerRef } from '../types.js';
import { gcpError, type GcpApi } from './api.js';
import { readText } from './auth.js';
import { metadataFlag, metadataKeys, regionOf, type Instance, type Metadata } from './map.js';

const GATEWAY_PORT = 9600;
/** Where Google publishes each regional serial port gateway's host key (the endpoint since 2025-03-31). */
export const HOST_KEY_URL = (region: string) =>
  `https://www.gstatic.com/vm_serial_port_public_keys/${region}/${region}.pub`;
const ORG_POLICY = 'constraints/compute.disableSerialPortAccess';

type Params = Record<string, string | number>;

/** The instance and project metadata a way in depends on, read fresh. */
export interface Settings {
  instance: Instance;
  project: Metadata | undefined;
}

/** Instance metadata overrides project metadata, which overrides the default. */
export function effectiveFlag(
  s: Settings,
  key: string,
): { value: boolean; scope: 'instance' | 'project' | 'default' } {
  const own = metadataFlag(s.instance.metadata, key);
  if (own !== undefined) return { value: own, scope: 'instance' };
  const project = metadataFlag(s.project, key);
  if (project !== undefined) return { value: project, scope: 'project' };
  return { value: false, scope: 'default' };
}

/** The instance (fresh) and the project's common metadata (undefined when we may not read it). */
export async function readSettings(api: GcpApi, server: ServerRef): Promise<Settings> {
  const zone = String(server.vendor?.zone ?? server.location ?? '');
  const [instance] = await api.call(
    'get instance',
    () => api.instances.get({ project: api.project, zone, instance: server.name }, api.callOptions),
    { idempotent: true, notFound: () => notFound(gcp.id, { name: server.name }) },
  );
  const project = await api
    .call('get project', () => api.projects.get({ project: api.project }, api.callOptions), {
      idempotent: true,
    })
    .then(([p]) => p.commonInstanceMetadata ?? undefined)
    .catch((err: unknown) => {
      // Without compute.projects.get the instance's own metadata still decides most things.
      if (isRescueError(err) && err.code === 'auth.forbidden') return undefined;
      throw err;
    });
  return { instance, project };
}

/** Whether the organization policy forbids serial port access, as a localized sentence. */
async function orgPolicyText(api: GcpApi): Promise<{ enforced: boolean | undefined; text: string }> {
  const lang = api.ctx.lang;
  const base = api.ctx.endpoint ? api.origin.origin : 'https://cloudresourcemanager.googleapis.com';
  try {
    const policy = await api.request<{ booleanPolicy?: { enforced?: boolean } }>(
      `${base}/v1/projects/${encodeURIComponent(api.project)}:getEffectiveOrgPolicy`,
      { constraint: ORG_POLICY },
    );
    const enforced = policy.booleanPolicy?.enforced === true;
    const key: MessageKey = enforced ? 'providers.hint.gcp-org-policy' : 'providers.hint.gcp-org-policy-open';
    return { enforced, text: t(lang, key, { project: api.project }) };
  } catch (err) {
    const e = gcpError(err, 'read organization policy');
    const reason = mask(t(lang, `error.${e.code}` as MessageKey, e.params));
    return { enforced: undefined, text: t(lang, 'providers.hint.gcp-org-policy-unknown', { reason }) };
  }
}

/** The gateway's host key fingerprint: the user's pin, else the key Google publishes for the region. */
async function gatewayHostKey(
  api: GcpApi,
  region: string,
  custom: boolean,
): Promise<{ fingerprint: string; source: string } | { problem: string }> {
  const lang = api.ctx.lang;
  const pinned = envValue(api.ctx.env, 'GCP_SERIAL_HOST_KEY');
  if (pinned) {
    const fingerprint = /^SHA256:/.test(pinned) ? pinned.replace(/=+$/, '') : fingerprintOfKeyLine(pinned);
    if (fingerprint) return { fingerprint, source: 'GCP_SERIAL_HOST_KEY' };
  }
  if (custom) {
    const gateway = envValue(api.ctx.env, 'GCP_SERIAL_GATEWAY') ?? '';
    return { problem: t(lang, 'providers.hint.gcp-custom-gateway', { gateway }) };
  }
  const url = HOST_KEY_URL(region);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(api.ctx.timeoutMs ?? 30_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const fingerprint = fingerprintOfKeyLine(await response.text());
    if (!fingerprint) throw new Error('no SSH public key in the answer');
    return { fingerprint, source: url };
  } catch (err) {
    return { problem: t(lang, 'providers.hint.gcp-host-key', { url, reason: (err as Error).message }) };
  }
}

/** SHA256 fingerprint of the first OpenSSH public key line in `text` (known_hosts prefixes allowed). */
export function fingerprintOfKeyLine(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+)\s+([A-Za-z0-9+/=]+)/.exec(line);
    if (m) return hostKeySha256(Buffer.from(m[2]!, 'base64'));
  }
  return undefined;
}

/**
 * The interactive serial port (port 1) through Google's regional SSH gateway: the instance must run,
 * have serial-port-enable=TRUE (instance over project), and the gateway must know our key (ssh-keys
 * metadata of the instance or project, or OS Login). Every missing prerequisite is said with how to
 * meet it; what was met is said on the progress line (and so in the report).
 */
export async function openSerialPort(api: GcpApi, server: ServerRef): Promise<SshGatewayEndpoint> {
  const { ctx } = api;
  const lang = ctx.lang;
  const zone = String(server.vendor?.zone ?? server.location ?? '');
  const instance = server.name;
  const unavailable = (key: MessageKey, params: Params = {}) =>
    consoleUnavailable('serial', server, t(lang, key, { instance, zone, project: api.project, ...params }));
  const settings = await readSettings(api, server);
  if (settings.instance.status !== 'RUNNING')
    throw unavailable('providers.hint.gcp-not-running', { status: String(settings.instance.status) });
  const enabled = effectiveFlag(settings, 'serial-port-enable');
  if (!enabled.value) {
    const policy = await orgPolicyText(api);
    throw consoleUnavailable(
      'serial',
      server,
      `${t(lang, 'providers.hint.gcp-serial-disabled', { instance, zone })}; ${policy.text}`,
    );
  }

  const keyPath =
    envValue(ctx.env, 'GCP_SERIAL_KEY_FILE') ??
    join(envValue(ctx.env, 'HOME') ?? '', '.ssh', 'google_compute_engine');
  const privateKey = await readText(ctx, keyPath);
  const parsed = privateKey ? ssh2.utils.parseKey(privateKey) : undefined;
  if (!privateKey || !parsed || parsed instanceof Error)
    throw unavailable('providers.hint.gcp-key-file', { path: keyPath });
  registerSecret(privateKey);
  const publicBase64 = (parsed.getPublicSSH() as Buffer).toString('base64');
  const user = envValue(ctx.env, 'GCP_SERIAL_USER', 'USER', 'LOGNAME') ?? 'root';

  const osLogin = effectiveFlag(settings, 'enable-oslogin').value;
  let keyScope: string;
  if (osLogin) keyScope = 'OS Login profile (enable-oslogin)';
  else {
    const mine = (m: Metadata | undefined) =>
      metadataKeys(m).some((k) => k.user === user && k.base64 === publicBase64);
    const blockProject = effectiveFlag(
      { instance: settings.instance, project: undefined },
      'block-project-ssh-keys',
    );
    if (mine(settings.instance.metadata ?? undefined)) keyScope = 'instance ssh-keys';
    else if (!blockProject.value && mine(settings.project)) keyScope = 'project ssh-keys';
    else throw unavailable('providers.hint.gcp-key-missing', { user, key: `${parsed.type} ${publicBase64}` });
  }

  const region = regionOf(zone);
  const custom = envValue(ctx.env, 'GCP_SERIAL_GATEWAY');
  const [host, portText] = (custom ?? `${region}-ssh-serialport.googleapis.com:${GATEWAY_PORT}`).split(':');
  const hostKey = await gatewayHostKey(api, region, custom !== undefined);
  if ('problem' in hostKey) throw consoleUnavailable('serial', server, hostKey.problem);
  const gateway = `${host}:${portText ?? GATEWAY_PORT}`;
  ctx.notice?.(
    t(lang, 'providers.hint.gcp-serial-ready', {
      instance,
      scope: enabled.scope,
      keyScope,
      gateway,
      fingerprint: hostKey.fingerprint,
      keySource: hostKey.source,
    }),
  );
  return {
    kind: 'serial-ssh',
    host: host!,
    port: Number(portText ?? GATEWAY_PORT),
    // port 1 is the gateway's default; named anyway so the console is the one meant.
    username: `${api.project}.${zone}.${instance}.${user}.port=1`,
    privateKey,
    hostKeySha256: hostKey.fingerprint,
  };
}

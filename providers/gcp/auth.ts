import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GoogleAuth } from 'google-auth-library';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { envValue } from '../credentials.js';
import { missingCredentials, precondition } from '../errors.js';
import type { ProviderContext } from '../types.js';
import { gcp } from './provider.js';

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/** What the credentials file gave: an authenticator, the project, and where it came from. */
export interface GcpAuth {
  auth: GoogleAuth;
  project: string;
  /** The file the credentials came from (for messages; never its content). */
  source: string;
}

/** Where the compute API (and, behind --endpoint, every other Google API we call) is reached. */
export interface ApiOrigin {
  /** host for the SDK's apiEndpoint */
  host: string;
  port: number;
  protocol: 'https' | 'http';
  /** e.g. https://compute.googleapis.com */
  origin: string;
}

export function apiOrigin(ctx: ProviderContext, fallbackHost: string): ApiOrigin {
  if (!ctx.endpoint)
    return { host: fallbackHost, port: 443, protocol: 'https', origin: `https://${fallbackHost}` };
  let url: URL;
  try {
    url = new URL(ctx.endpoint);
  } catch {
    throw new RescueError('usage', { message: `--endpoint is not a URL: ${ctx.endpoint}` });
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname, port, protocol, origin: `${protocol}://${url.host}` };
}

const home = (ctx: ProviderContext) => envValue(ctx.env, 'HOME') ?? '';

/** The file gcloud's Application Default Credentials are read from, as gcloud and the SDKs find it. */
export function credentialsPath(ctx: ProviderContext): string {
  const named = envValue(ctx.env, 'GOOGLE_APPLICATION_CREDENTIALS');
  if (named) return named;
  const config = envValue(ctx.env, 'CLOUDSDK_CONFIG') ?? join(home(ctx), '.config', 'gcloud');
  return join(config, 'application_default_credentials.json');
}

export const readText = (ctx: ProviderContext, path: string): Promise<string | undefined> =>
  ctx.readTextFile ? ctx.readTextFile(path) : readFile(path, 'utf8').catch(() => undefined);

/** Fields of a credentials file that are secrets: registered with the masker as soon as read. */
const SECRET_FIELDS = ['private_key', 'refresh_token', 'client_secret', 'private_key_id'];

/**
 * Application Default Credentials from the environment object (never process.env): the file named by
 * GOOGLE_APPLICATION_CREDENTIALS, else gcloud's ADC file; the project from CLOUDSDK_CORE_PROJECT or
 * GOOGLE_CLOUD_PROJECT, else the file's own project. The google-auth-library signs and refreshes.
 */
export async function loadAuth(ctx: ProviderContext): Promise<GcpAuth> {
  const path = credentialsPath(ctx);
  const text = await readText(ctx, path);
  if (text === undefined) throw missingCredentials(gcp.id, gcp.credentialHelp);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
    if (!json || typeof json !== 'object' || typeof json.type !== 'string')
      throw new Error('no "type" field');
  } catch (err) {
    throw precondition(
      gcp.id,
      'read credentials',
      t(ctx.lang, 'providers.hint.gcp-credentials-file', { path, reason: (err as Error).message }),
    );
  }
  for (const field of SECRET_FIELDS) if (typeof json[field] === 'string') registerSecret(json[field]);
  const fromFile = [json.project_id, json.quota_project_id].find((v): v is string => typeof v === 'string');
  const project = envValue(ctx.env, 'CLOUDSDK_CORE_PROJECT', 'GOOGLE_CLOUD_PROJECT') ?? fromFile;
  if (!project) throw precondition(gcp.id, 'find the project', t(ctx.lang, 'providers.hint.gcp-no-project'));
  // Behind --endpoint the token exchange of a user's credentials (authorized_user) goes there too;
  // a service account's JWT grant always goes to Google (the auth library fixes that URL).
  const origin = ctx.endpoint ? apiOrigin(ctx, '').origin : undefined;
  const auth = new GoogleAuth({
    credentials: json as never,
    scopes: SCOPES,
    projectId: project,
    ...(origin ? { clientOptions: { endpoints: { oauth2TokenUrl: `${origin}/token` } } } : {}),
  });
  return { auth, project, source: path };
}

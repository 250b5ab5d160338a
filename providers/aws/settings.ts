import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { RescueError } from '../../src/errors/rescue-error.js';
import { t } from '../../src/i18n/index.js';
import { registerSecret } from '../../src/secrets.js';
import { envSecret, envValue } from '../credentials.js';
import { missingCredentials } from '../errors.js';
import type { ProviderContext } from '../types.js';
import { aws } from './provider.js';
import { SERIAL_GATEWAYS, type SerialGateway } from './serial-endpoints.js';

/**
 * Where the adapter talks to and as whom, found as the AWS CLI finds it: keys in the environment,
 * else the default chain (AWS_PROFILE or the default profile, SSO, credential process, web identity,
 * the instance role). The region comes from AWS_REGION, AWS_DEFAULT_REGION or the profile's region;
 * VPS_RESCUE_AWS_REGIONS adds more regions to search an instance in.
 */
export interface AwsSettings {
  /** The regions searched, the configured one first. */
  regions: string[];
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** --endpoint: one URL for EC2, SSM and EC2 Instance Connect (a private endpoint, the lab). */
  endpoint?: string;
  /** The serial console gateway and its fingerprint, for a region. */
  serialGateway: (region: string) => (SerialGateway & { port: number }) | undefined;
}

/** `region = …` of one profile in the AWS config file (`[default]` or `[profile name]`). */
export function profileRegion(configText: string, profile: string): string | undefined {
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inProfile = false;
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) inProfile = wanted.includes(section[1]!.replace(/\s+/g, ' '));
    else if (inProfile) {
      const kv = /^region\s*=\s*(\S+)$/.exec(line);
      if (kv) return kv[1];
    }
  }
  return undefined;
}

async function homeRegion(ctx: ProviderContext, profile: string): Promise<string | undefined> {
  const fromEnv = envValue(ctx.env, 'AWS_REGION', 'AWS_DEFAULT_REGION');
  if (fromEnv) return fromEnv;
  const home = envValue(ctx.env, 'HOME');
  const path = envValue(ctx.env, 'AWS_CONFIG_FILE') ?? (home ? `${home}/.aws/config` : undefined);
  const text = path ? await ctx.readTextFile?.(path) : undefined;
  return text ? profileRegion(text, profile) : undefined;
}

function credentialsOf(ctx: ProviderContext, profile: string | undefined) {
  const accessKeyId = envValue(ctx.env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = envSecret(ctx.env, 'AWS_SECRET_ACCESS_KEY');
  if (accessKeyId && secretAccessKey) {
    return { accessKeyId, secretAccessKey, sessionToken: envSecret(ctx.env, 'AWS_SESSION_TOKEN') };
  }
  const chain = fromNodeProviderChain({
    ...(profile ? { profile } : {}),
    ...(envValue(ctx.env, 'AWS_SHARED_CREDENTIALS_FILE')
      ? { filepath: envValue(ctx.env, 'AWS_SHARED_CREDENTIALS_FILE') }
      : {}),
    ...(envValue(ctx.env, 'AWS_CONFIG_FILE') ? { configFilepath: envValue(ctx.env, 'AWS_CONFIG_FILE') } : {}),
  });
  // Whatever the chain finds is a secret from the moment it is found; finding none is a usage error.
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      const found = await chain();
      registerSecret(found.secretAccessKey);
      registerSecret(found.sessionToken);
      return found;
    } catch (err) {
      if ((err as { name?: string }).name === 'CredentialsProviderError') {
        throw missingCredentials(aws.id, aws.credentialHelp);
      }
      throw err;
    }
  };
}

/** us-east-1, us-gov-west-1, ap-southeast-7, cn-north-1 … */
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

export async function awsSettings(ctx: ProviderContext): Promise<AwsSettings> {
  const profile = envValue(ctx.env, 'AWS_PROFILE');
  const region = await homeRegion(ctx, profile ?? 'default');
  if (!region) {
    const err = missingCredentials(aws.id, aws.credentialHelp);
    throw new RescueError(err.code, err.params, { hints: [t(ctx.lang, 'providers.hint.aws-no-region')] });
  }
  const extra = (envValue(ctx.env, 'VPS_RESCUE_AWS_REGIONS') ?? '')
    .split(/[\s,]+/)
    .filter((r) => r && r !== region);
  // A typo here would reach the SDK as a host name; one clear line now instead.
  for (const [name, value] of [['AWS_REGION', region], ...extra.map((r) => ['VPS_RESCUE_AWS_REGIONS', r])]) {
    if (!REGION.test(value!)) {
      throw new RescueError('config.bad-value', {
        name: `${name} (${value!.slice(0, 40)})`,
        expected: 'a region such as us-east-1',
      });
    }
  }
  const override = envValue(ctx.env, 'VPS_RESCUE_AWS_SERIAL_ENDPOINT');
  const pinned = envValue(ctx.env, 'VPS_RESCUE_AWS_SERIAL_HOST_KEY');
  if (pinned && !FINGERPRINT.test(pinned)) {
    throw new RescueError('config.bad-value', {
      name: 'VPS_RESCUE_AWS_SERIAL_HOST_KEY',
      expected: 'SHA256:<43 base64 characters>',
    });
  }
  return {
    regions: [region, ...new Set(extra)],
    credentials: credentialsOf(ctx, profile),
    endpoint: ctx.endpoint?.replace(/\/+$/, ''),
    serialGateway: (r) => {
      const published = SERIAL_GATEWAYS[r];
      const [host, port] = override ? splitHostPort(override) : [published?.host, 22];
      const fingerprint = pinned ?? published?.fingerprint;
      return host && fingerprint ? { host, port, fingerprint } : undefined;
    },
  };
}

function splitHostPort(value: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(value.trim());
  return [m?.[1] ?? value, m?.[2] ? Number(m[2]) : 22];
}

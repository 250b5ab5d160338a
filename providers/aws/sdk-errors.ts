import { RescueError } from '../../src/errors/rescue-error.js';
import { t, type Lang } from '../../src/i18n/index.js';
import { mask } from '../../src/secrets.js';
import { retryAfterSeconds } from '../http.js';

/**
 * The SDK's errors as the product's error codes. An SDK error keeps the raw response (headers) in a
 * hidden field; only its name, status and message (masked) are carried over, never the error itself.
 *
 * Codes from the vendor's published models (aws-sdk-js-v3 codegen/sdk-codegen/aws-models/ec2.json,
 * ssm.json, ec2-instance-connect.json) and the EC2 API reference "Error codes" page: EC2 answers in
 * its Response/Errors/Error XML, SSM and Instance Connect in awsJson1_1 `__type`.
 */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const AUTH = new Set([
  'AuthFailure',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'OptInRequired',
  'AuthException',
]);
const FORBIDDEN = new Set(['UnauthorizedOperation', 'AccessDeniedException', 'AccessDenied']);
const THROTTLED = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ThrottledException',
]);

export interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
}

export const errorName = (err: unknown): string => (err as SdkErrorShape | undefined)?.name ?? '';

export function httpStatus(err: unknown): number {
  const e = err as SdkErrorShape;
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode ?? 0;
}

/** The SDK's failure on `operation` as a RescueError (provider.timeout for a network timeout). */
export function fromSdkError(err: unknown, operation: string, lang: Lang): RescueError {
  if (err instanceof RescueError) return err;
  const e = err as SdkErrorShape;
  const name = errorName(err);
  const status = httpStatus(err);
  const detail = `: ${name}${e.message && e.message !== name ? ` ${mask(e.message).slice(0, 300)}` : ''}`;
  const provider = 'aws';
  if (EXPIRED.has(name)) {
    return new RescueError(
      'auth.failed',
      { provider, status: status || 400 },
      { hints: [t(lang, 'providers.hint.aws-expired', { code: name })] },
    );
  }
  if (AUTH.has(name) || status === 401)
    return new RescueError('auth.failed', { provider, status: status || 401 });
  if (FORBIDDEN.has(name) || status === 403)
    return new RescueError('auth.forbidden', { provider, action: operation });
  if (THROTTLED.has(name) || status === 429) {
    const retryAfter = retryAfterSeconds(e.$response?.headers ?? {});
    return new RescueError('provider.rate-limited', { provider, retryAfter: retryAfter ?? '?', detail });
  }
  if (name === 'TimeoutError' || /timed? ?out|ETIMEDOUT/i.test(e.message ?? '')) {
    return new RescueError('provider.timeout', { provider, operation, seconds: '?' });
  }
  return new RescueError('provider.api', { provider, status: status || '-', operation, detail });
}

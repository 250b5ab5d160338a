/**
 * Stable error codes. Scripts and tests branch on these strings, never on message text:
 * add new codes freely, never rename one. Each code maps to one documented exit code (README).
 */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  credentials: 3,
  notFound: 4,
  console: 5,
  rescue: 6,
  verify: 7,
  providerApi: 8,
  lab: 9,
  unsupported: 10,
  /** SIGINT/SIGTERM/SIGHUP: 128 + SIGINT, as shells report an interrupted command. */
  interrupted: 130,
  notProven: 11,
} as const;

export const ERROR_EXIT: Record<string, number> = {
  usage: EXIT_CODES.usage,
  'usage.secret-on-argv': EXIT_CODES.usage,
  'usage.unknown-provider': EXIT_CODES.usage,
  'usage.bad-window': EXIT_CODES.usage,
  'usage.bad-port': EXIT_CODES.usage,
  'usage.bad-user-name': EXIT_CODES.usage,
  'usage.bad-host': EXIT_CODES.usage,
  'usage.conflict': EXIT_CODES.usage,
  'usage.needs': EXIT_CODES.usage,
  'usage.repeated': EXIT_CODES.usage,
  'usage.no-effect': EXIT_CODES.usage,
  'usage.path-exists': EXIT_CODES.usage,
  'usage.path-not-writable': EXIT_CODES.usage,
  'usage.unreadable-file': EXIT_CODES.usage,
  'usage.bad-key': EXIT_CODES.usage,
  'usage.bad-tz': EXIT_CODES.usage,
  'usage.env-missing': EXIT_CODES.usage,
  // Found on the server, before anything changes: the command asked for something that cannot be.
  'usage.unknown-user': EXIT_CODES.usage,
  'usage.user-exists': EXIT_CODES.usage,
  'usage.password-exists': EXIT_CODES.usage,
  'usage.confirm-needed': EXIT_CODES.usage,
  'usage.declined': EXIT_CODES.usage,
  'config.missing-credentials': EXIT_CODES.credentials,
  'auth.failed': EXIT_CODES.credentials,
  'auth.forbidden': EXIT_CODES.credentials,
  'provider.not-found': EXIT_CODES.notFound,
  'provider.ambiguous': EXIT_CODES.notFound,
  'provider.rate-limited': EXIT_CODES.providerApi,
  'provider.api': EXIT_CODES.providerApi,
  'provider.timeout': EXIT_CODES.providerApi,
  'provider.conflict': EXIT_CODES.providerApi,
  'provider.precondition': EXIT_CODES.providerApi,
  'provider.unsupported': EXIT_CODES.unsupported,
  'console.unavailable': EXIT_CODES.console,
  'console.connect': EXIT_CODES.console,
  'console.closed': EXIT_CODES.console,
  'console.timeout': EXIT_CODES.console,
  'console.no-prompt': EXIT_CODES.console,
  'console.login-failed': EXIT_CODES.console,
  'console.account-locked': EXIT_CODES.console,
  'console.password-expired': EXIT_CODES.console,
  'console.no-root': EXIT_CODES.console,
  'console.logout-failed': EXIT_CODES.console,
  'console.command-failed': EXIT_CODES.console,
  'console.upload-failed': EXIT_CODES.console,
  'console.output-unreadable': EXIT_CODES.console,
  'vnc.cannot-type': EXIT_CODES.console,
  'vnc.typing-failed': EXIT_CODES.console,
  'rescue.failed': EXIT_CODES.rescue,
  'diagnose.bad-output': EXIT_CODES.rescue,
  'diagnose.rejected-output': EXIT_CODES.rescue,
  'rescue.rejected-result': EXIT_CODES.rescue,
  'rescue.rolled-back': EXIT_CODES.rescue,
  'rescue.no-way-in': EXIT_CODES.rescue,
  'rescue.still-in-rescue': EXIT_CODES.rescue,
  'rescue.interrupted': EXIT_CODES.interrupted,
  'window.not-found': EXIT_CODES.notFound,
  'verify.failed': EXIT_CODES.verify,
  'verify.not-proven': EXIT_CODES.notProven,
  'lab.unavailable': EXIT_CODES.lab,
  'lab.failed': EXIT_CODES.lab,
  // Provider settings (the aws folder's serial console host key)
  'config.bad-value': EXIT_CODES.usage,
  internal: EXIT_CODES.internal,
};

export type ErrorCode = keyof typeof ERROR_EXIT & string;

export function exitCodeFor(code: string): number {
  return ERROR_EXIT[code] ?? EXIT_CODES.internal;
}

/**
 * Every secret the process learns (console passwords, API tokens, console URL tokens, generated
 * passwords) is registered here the moment it is read; everything written anywhere — transcript,
 * log, report, error — goes through mask(). Registration is global on purpose: a secret read in one
 * module must be masked by every other.
 */
const MASK = '***';
const secrets = new Set<string>();

/** Shorter strings would mask ordinary words; a real secret is never this short. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  secrets.add(value);
  // A URL-embedded token may appear percent-encoded, and base64-encoded in auth headers.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

export function mask(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** For tests only: forget registered secrets between cases. */
export function clearSecretsForTest(): void {
  secrets.clear();
}

export function knownSecretCount(): number {
  return secrets.size;
}

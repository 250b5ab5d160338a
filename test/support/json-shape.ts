/**
 * Differences in shape between a vendor's published sample and a fixture: the same keys at every
 * level, the same JSON types at the leaves (null is its own type), and array elements shaped like
 * the sample's. Values are not compared: fixtures carry their own ids and canaries.
 */
export function shapeDifferences(sample: unknown, actual: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(sample) !== kind(actual)) return [`${path}: ${kind(actual)} where the sample has ${kind(sample)}`];
  if (Array.isArray(sample) && Array.isArray(actual)) {
    if (sample.length === 0) return [];
    // Element by element where the sample has as many, else like the sample's last element.
    return actual.flatMap((item, i) =>
      shapeDifferences(sample[Math.min(i, sample.length - 1)], item, `${path}[${i}]`),
    );
  }
  if (kind(sample) !== 'object') return [];
  const s = sample as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const missing = Object.keys(s)
    .filter((k) => !(k in a))
    .map((k) => `${path}.${k}: missing`);
  const extra = Object.keys(a)
    .filter((k) => !(k in s))
    .map((k) => `${path}.${k}: not in the sample`);
  const nested = Object.keys(s)
    .filter((k) => k in a)
    .flatMap((k) => shapeDifferences(s[k], a[k], `${path}.${k}`));
  return [...missing, ...extra, ...nested];
}

/**
 * Does a client match a `from="..."` pattern list? sshd (match_host_and_ip) tries the list against
 * the IP as addresses/CIDR and against the host name as wildcards; any negated hit denies. With
 * UseDNS no (the default) the host name is the IP text itself.
 */
export function fromAllows(patternList: string, ip: string, host: string = ip): boolean {
  let positive = false;
  for (const raw of patternList.split(',')) {
    const neg = raw.startsWith('!');
    const pattern = (neg ? raw.slice(1) : raw).trim();
    if (pattern === '') continue;
    const hit = isAddressPattern(pattern) ? cidrContains(pattern, ip) : wildcardMatch(pattern, host);
    if (hit && neg) return false;
    if (hit) positive = true;
  }
  return positive;
}

function isAddressPattern(p: string): boolean {
  return (
    /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(p) || (/^[0-9a-f:]+(\/\d{1,3})?$/i.test(p) && p.includes(':'))
  );
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
  return parts.reduce((acc, n) => acc * 256 + n, 0);
}

function cidrContains(pattern: string, ip: string): boolean {
  const [addr = '', bitsText] = pattern.split('/');
  if (addr.includes(':') || ip.includes(':')) return addr.toLowerCase() === ip.toLowerCase();
  const a = ipv4ToInt(addr);
  const b = ipv4ToInt(ip);
  if (a === undefined || b === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (bits === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - bits);
  // Multiplication-free masking: JS bit operators are signed 32-bit, so compare the high parts.
  return Math.floor(a / 2 ** (32 - bits)) === Math.floor(b / 2 ** (32 - bits)) && mask > 0;
}

/** OpenSSH wildcard match: `*` any run, `?` one character, case-insensitive for host names. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`).test(text.toLowerCase());
}

/**
 * Decode `sed -n l` output back to the exact lines of a file. Every logical line ends in an unescaped
 * `$`; a physical line ending in an unescaped `\` was folded. Escapes: `\\`, `\a \b \f \n \r \t \v`
 * and three-digit octal for any other byte (GNU and busybox agree on these).
 */
export function decodeSedL(physical: string[]): string[] {
  const out: string[] = [];
  let bytes: number[] = [];
  for (const raw of physical) {
    const line = raw.replace(/\r$/, '');
    let i = 0;
    let ended = false;
    while (i < line.length) {
      const c = line[i] ?? '';
      if (c === '\\') {
        const n = line[i + 1];
        if (n === undefined) break; // fold: the logical line goes on
        const simple = SIMPLE[n];
        if (simple !== undefined) {
          bytes.push(simple);
          i += 2;
        } else if (/^[0-7]{3}$/.test(line.slice(i + 1, i + 4))) {
          bytes.push(parseInt(line.slice(i + 1, i + 4), 8));
          i += 4;
        } else {
          bytes.push(0x5c);
          i += 1;
        }
      } else if (c === '$' && i === line.length - 1) {
        ended = true;
        i += 1;
      } else {
        bytes.push(...Buffer.from(c, 'utf8'));
        i += 1;
      }
    }
    if (ended) {
      out.push(Buffer.from(bytes).toString('utf8'));
      bytes = [];
    }
  }
  if (bytes.length > 0) out.push(Buffer.from(bytes).toString('utf8'));
  return out;
}

const SIMPLE: Record<string, number> = { '\\': 0x5c, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** The inverse, for building fixtures and tests: what `sed -n l` prints for these lines (no folding). */
export function encodeSedL(lines: string[]): string[] {
  return lines.map((line) => {
    let out = '';
    for (const b of Buffer.from(line, 'utf8')) {
      const name = Object.keys(SIMPLE).find((k) => SIMPLE[k] === b && k !== 'n');
      if (name) out += `\\${name}`;
      else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
      else out += String.fromCharCode(b);
    }
    return `${out}$`;
  });
}

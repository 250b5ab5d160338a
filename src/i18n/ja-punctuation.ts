/*
 * Japanese text takes full-width brackets and colons; message templates and sentences built
 * elsewhere mix in ASCII ones. This pass makes them consistent and leaves code alone: code spans,
 * and brackets inside an ASCII word (`ws(s)://`, `f(x)`).
 */

const ALNUM = /[A-Za-z0-9]/;

/** Full-width brackets and colons in Japanese prose; code spans untouched. */
export function fullWidth(text: string): string {
  const chars = [...text];
  const inCode: boolean[] = [];
  let code = false;
  for (const ch of chars) {
    if (ch === '`') code = !code;
    inCode.push(code || ch === '`');
  }
  const open: number[] = [];
  const wide = new Set<number>();
  chars.forEach((ch, i) => {
    if (inCode[i]) return;
    if (ch === '(') open.push(i);
    if (ch !== ')' || open.length === 0) return;
    const start = open.pop()!;
    const word = ALNUM.test(chars[start - 1] ?? '') && ALNUM.test(chars[start + 1] ?? '');
    if (!word) wide.add(start).add(i);
  });
  let out = '';
  chars.forEach((ch, i) => {
    if (wide.has(i)) out += ch === '(' ? '\uff08' : '\uff09';
    else if (ch === ':' && !inCode[i] && (chars[i + 1] === ' ' || i === chars.length - 1)) {
      // Only a colon that ends a Japanese word or a bold label: "エラー: x", "**結果**: x".
      const before = chars[i - 1] ?? '';
      if (/[^\x00-\x7f]/.test(before) || before === '*') out += '\uff1a';
      else out += ch;
    } else if (ch === ' ' && out.endsWith('\uff1a')) return;
    else out += ch;
  });
  return out;
}

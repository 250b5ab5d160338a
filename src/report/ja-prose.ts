import { fullWidth } from '../i18n/ja-punctuation.js';

/*
 * The last pass over a Japanese report: whatever a sentence carries in from elsewhere (a path, a user
 * name, a command, what the server printed) ends up in a code span, and the punctuation is
 * full-width, so the text can be pasted into a ticket as it is. Code spans and fenced blocks are kept.
 */

/** Names Japanese technical writing uses as they are. */
const KEPT = new Set(['SSH', 'sshd', 'TCP', 'JST', 'UTC']);

/** A run of ASCII words with at least one letter, e.g. `/home/alice/.ssh` or `chmod go-w`. */
const ASCII_RUN = /[!-~]*[A-Za-z][!-~]*(?: [!-~]*[A-Za-z][!-~]*)*/g;

function prose(text: string): string {
  return text.replace(ASCII_RUN, (run) => {
    if (run.split(' ').every((w) => KEPT.has(w))) return run;
    // Markdown emphasis and sentence punctuation stay outside the span.
    const m = /^(\**)(.*?)([.,;*]*)$/.exec(run)!;
    const [, lead, body, tail] = m;
    if (!body || !/[A-Za-z]/.test(body)) return run;
    if (KEPT.has(body)) return run;
    return `${lead}\`${body.replace(/`/g, "'")}\`${tail}`;
  });
}

function line(text: string): string {
  // Odd pieces are code spans: kept as they are.
  return fullWidth(text)
    .split(/(`[^`\n]*`)/)
    .map((piece, i) => (i % 2 === 1 ? piece : prose(piece)))
    .join('');
}

export function jaDocument(md: string): string {
  let fenced = false;
  return md
    .split('\n')
    .map((l) => {
      if (l.startsWith('```')) {
        fenced = !fenced;
        return l;
      }
      return fenced ? l : line(l);
    })
    .join('\n');
}

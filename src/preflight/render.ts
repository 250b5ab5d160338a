import { t, type Lang, type MessageKey } from '../i18n/index.js';
import { fullWidth } from '../i18n/ja-punctuation.js';
import { mask } from '../secrets.js';
import type { HardenResult } from '../harden/harden.js';
import type { CheckStatus, PreflightResult } from './preflight.js';

const m = (lang: Lang, key: string, params: Record<string, string | number> = {}) => {
  const text = t(lang, key as MessageKey, params);
  return lang === 'ja' ? fullWidth(text) : text;
};

const COLOUR: Record<CheckStatus, string> = { ok: '32', fail: '31', warn: '33', skip: '2' };

/** The checklist: one line per check (mark, what, cause code, detail), the fix indented below. */
export function checklistText(r: PreflightResult, lang: Lang, colour = false): string {
  const lines = [m(lang, 'preflight.title', { user: r.user, host: r.host, plan: r.plan }), ''];
  for (const item of r.items) {
    const mark = m(lang, `preflight.mark.${item.status}`);
    const shown = colour ? `\x1b[${COLOUR[item.status]}m${mark}\x1b[0m` : mark;
    const cause = item.cause ? ` [${item.cause}]` : '';
    lines.push(`${shown} ${m(lang, `preflight.check.${item.id}`)}${cause}: ${item.detail}`);
    if (item.fix && item.status !== 'ok') lines.push(`       ${m(lang, 'preflight.fix')}: ${item.fix}`);
  }
  lines.push('', m(lang, `preflight.verdict.${r.verdict}`, { user: r.user, cause: r.lockout?.cause ?? '' }));
  return mask(lines.join('\n'));
}

export function preflightJson(r: PreflightResult): string {
  return mask(JSON.stringify({ ok: r.verdict === 'safe', ...r }, null, 2));
}

/** The hardening's report in Markdown: outcome, the server-side revert, why a login failed, timeline. */
export function hardenMarkdown(r: HardenResult, lang: Lang): string {
  const lines = [
    `# ${m(lang, 'harden.title', { user: r.user, host: r.host, plan: r.plan, txId: r.txId })}`,
    '',
    m(lang, `harden.outcome.${r.outcome}`, { user: r.user }),
    '',
    `- ${m(lang, 'harden.label.backup')}: \`${r.backup}\``,
  ];
  if (r.armed) lines.push(`- ${m(lang, 'harden.label.armed')}: ${r.armed.seconds} s (${r.armed.by})`);
  if (r.syntax) lines.push(`- sshd -t: \`${r.syntax}\``);
  if (r.loginFailure) {
    const f = r.loginFailure;
    lines.push(
      `- ${m(lang, 'harden.label.cause')}: **${f.cause}**${f.path ? ` (\`${f.path}\`)` : ''} — ${f.sentence}`,
    );
    if (f.fix) lines.push(`- ${m(lang, 'harden.label.fix')}: ${f.fix}`);
  }
  lines.push('', `## ${m(lang, 'harden.label.timeline')}`, '');
  for (const e of r.timeline)
    lines.push(`- ${e.at} ${m(lang, `harden.step.${e.step}`)}${e.detail ? `: ${e.detail}` : ''}`);
  return mask(`${lines.join('\n')}\n`);
}

export function hardenJson(r: HardenResult): string {
  return mask(JSON.stringify({ ok: r.outcome === 'kept', ...r }, null, 2));
}

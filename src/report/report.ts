import { describeFinding } from '../diagnose/describe.js';
import type { Finding } from '../diagnose/findings.js';
import { hasMessage, t, type Lang } from '../i18n/index.js';
import type { RescueResult } from '../rescue/types.js';
import { mask } from '../secrets.js';
import { customerTry, wayOf } from '../rescue/proof.js';
import { label, nextSteps, stepLabel, type LabelKey } from './labels.js';
import { jaDocument } from './ja-prose.js';
import { formatTime, type ReportView } from './time.js';

export type { ReportView };

/** A finding as the report and --json show it: the stable code plus sentences in the reader's language. */
export interface ReportedFinding {
  cause: string;
  severity: string;
  blocking: boolean;
  user?: string;
  location?: string;
  sentence: string;
  fix: string;
}

export function reportFinding(f: Finding, lang: Lang): ReportedFinding {
  const { sentence, fix } = describeFinding(f, lang);
  return {
    cause: f.cause,
    severity: f.severity,
    blocking: f.blocking,
    ...(f.user ? { user: f.user } : {}),
    ...(f.path ? { location: f.line ? `${f.path}:${f.line}` : f.path } : {}),
    sentence,
    fix,
  };
}

/** The JSON report: the result with every finding explained, masked like everything written. */
export function jsonReport(r: RescueResult, lang: Lang): string {
  const doc = {
    ...r,
    lang,
    primaryCause: r.diagnosis?.primary?.cause,
    findings: (r.diagnosis?.findings ?? []).map((f) => reportFinding(f, lang)),
    notFixed: r.notFixed.map((f) => reportFinding(f, lang)),
    changes: r.changes.map((c) => ({ ...c, fixed: c.fixed.map((f) => f.cause) })),
    diagnosis: r.diagnosis && { primary: r.diagnosis.primary?.cause, summary: r.diagnosis.summary },
    after: r.after && { primary: r.after.primary?.cause, summary: r.after.summary },
  };
  return mask(`${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Japanese readers get every English token (codes, user names, paths, what the server or a tool
 * printed) in a code span, and full-width punctuation; the English report reads as before.
 */
function style(lang: Lang) {
  const ja = lang === 'ja';
  return {
    sep: ja ? '：' : ': ',
    list: ja ? '、' : ', ',
    paren: (text: string) => (ja ? `(${text})` : ` (${text})`),
    code: (text: string) => (ja && text ? `\`${text.replace(/`/g, "'")}\`` : text),
    /** A detail line: as it is when it is already in Japanese, else in a code span. */
    detail: (text: string) => (ja && !JAPANESE.test(text) ? `\`${text.replace(/`/g, "'")}\`` : text),
  };
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

function line(f: ReportedFinding, lang: Lang, mark = ''): string {
  const s = style(lang);
  const where = [f.user && s.code(f.user), f.location && s.code(f.location)].filter(Boolean).join(s.list);
  return `- \`${f.cause}\`${where ? s.paren(where) : ''}${mark}${s.sep}${f.sentence}\n  - ${f.fix}`;
}

function handedOver(view: ReportView, how: string): string {
  const s = style(view.lang);
  if (how === 'terminal (shown once)') return label(view.lang, 'handedTerminal');
  if (how.startsWith('file ')) return `${label(view.lang, 'handedFile')} \`${how.slice(5)}\``;
  return s.code(how);
}

function errorText(lang: Lang, e: NonNullable<RescueResult['planStop']>): string {
  const key = `error.${e.code}`;
  return hasMessage(key) ? t(lang, key, e.params) : e.code;
}

function planSection(r: RescueResult, view: ReportView): string[] {
  const L = (k: LabelKey, p: Record<string, string> = {}) => label(view.lang, k, p);
  const s = style(view.lang);
  const out = [`## ${L('plan')}`, ''];
  const stop = r.planStop
    ? [`- ${L('planStop')}${s.sep}${errorText(view.lang, r.planStop)} \`${r.planStop.code}\``, '']
    : [];
  if (!r.plan || r.plan.length === 0) return [...out, ...(stop.length > 0 ? stop : [L('noPlan'), ''])];
  r.plan.forEach((p, i) => {
    out.push(`### ${i + 1}. ${L(`change.${p.action}` as LabelKey)} — \`${p.txId}\``, '');
    if (p.onlyIfStillRefused) out.push(`- ${L('planIfRefused')}`);
    out.push(`- ${L('files')}${s.sep}${p.files.map((f) => `\`${f}\``).join(s.list)}`);
    if (p.window)
      out.push(
        `- ${L('window')}${s.sep}${
          p.window.minutes === undefined
            ? L('windowPermanent')
            : L('planMinutes', { minutes: String(p.window.minutes) })
        }`,
      );
    if (p.setsPassword) out.push(`- ${L('planSetsPassword')}`);
    if (p.reload) out.push(`- ${L('planReload')}`);
    out.push('', `${L('planCommands')}${s.sep}`, '', '```sh');
    for (const step of p.steps) out.push(`# ${step.name}`, step.code);
    out.push('```', '');
  });
  return [...out, ...stop];
}

/** The Markdown report, to paste into the support ticket: in the reader's language and time zone. */
export function markdownReport(r: RescueResult, viewOrLang: ReportView | Lang): string {
  const view: ReportView = typeof viewOrLang === 'string' ? { lang: viewOrLang } : viewOrLang;
  const lang = view.lang;
  const s = style(lang);
  const L = (k: LabelKey, p: Record<string, string> = {}) => label(lang, k, p);
  const at = (iso: string) => formatTime(iso, view);
  const out: string[] = [
    `# ${s.code('vps-rescue')} ${L('title').replace(/^vps-rescue /, '')}${s.sep}${r.host}`,
    '',
  ];
  // The cause in one sentence, before anything else: what the customer did.
  const cause = r.diagnosis?.primary;
  if (cause) out.push(`**${L('cause')}**${s.sep}${describeFinding(cause, lang).sentence}`, '');
  const notProven = !r.ok && r.verification?.proof === 'not-proven';
  const verdict =
    r.action === 'diagnose' || r.dryRun
      ? L('resultDiagnosed')
      : r.ok
        ? L('resultOk')
        : notProven
          ? L('resultNotProven')
          : L('resultFailed');
  out.push(
    `- **${L('result')}**${s.sep}${r.ok ? '✅' : notProven ? '⚠️' : '❌'} ${verdict}`,
    ...(r.error
      ? [`- **${L('error')}**${s.sep}\`${r.error.code}\` ${s.detail(JSON.stringify(r.error.params))}`]
      : []),
    `- **${L('server')}**${s.sep}${r.host}`,
    `- **${L('user')}**${s.sep}${s.code(r.user)}`,
    `- **${L('action')}**${s.sep}${s.code(r.action)}${r.dryRun ? s.paren('`--dry-run`') : ''}`,
    ...(r.via ? [`- **${L('via')}**${s.sep}${s.detail(r.via)}`] : []),
    `- **${L('time')}**${s.sep}${at(r.startedAt)} – ${at(r.finishedAt)}`,
    '',
    `## ${L('causes')}`,
    '',
  );
  const primary = r.diagnosis?.primary;
  // The causes that concern this rescue: the user's own and the server-wide ones.
  const blocking = (r.diagnosis?.findings ?? []).filter(
    (f) => f.blocking && (f.user === undefined || f.user === r.user),
  );
  if (primary) blocking.sort((a, b) => Number(b === primary) - Number(a === primary));
  if (blocking.length === 0) out.push(L('noCause'));
  for (const f of blocking) {
    const reported = reportFinding(f, lang);
    out.push(line(reported, lang, f === primary ? ` **${s.paren(L('primary')).trim()}**` : ''));
  }

  if (r.plan) out.push('', ...planSection(r, view));
  out.push('', `## ${L('changes')}`, '');
  if (r.changes.length === 0) out.push(L('noChanges'));
  for (const c of r.changes) {
    const status = L(`status.${c.status}` as LabelKey);
    out.push(
      `### ${lang === 'ja' ? L(`change.${c.action}` as LabelKey) : c.action} — ${s.code(c.txId)}`,
      '',
      `- ${L('status')}${s.sep}${status}${c.failedStep ? s.paren(s.code(c.failedStep)) : ''}`,
    );
    out.push(
      `- ${L('backup')}${s.sep}\`${c.backupDir}\``,
      `- ${L('files')}${s.sep}${c.files.map((f) => `\`${f}\``).join(s.list)}`,
    );
    if (c.window)
      out.push(
        `- ${L('window')}${s.sep}${c.window.until ? `${L('windowUntil')} ${at(c.window.until)}` : L('windowPermanent')}`,
      );
    if (c.generatedPasswordHandedOver)
      out.push(`- ${L('passwordHandedOver')}${s.sep}${handedOver(view, c.generatedPasswordHandedOver)}`);
    for (const d of c.diffs) out.push('', '```diff', d.diff.trimEnd(), '```');
    out.push('');
  }

  // Only what concerns the rescued account, and nothing already listed under the causes.
  const listed = new Set(blocking.map((f) => `${f.cause} ${f.path ?? ''} ${f.line ?? ''}`));
  const notFixed = r.notFixed
    .filter(
      (f) =>
        (f.user === undefined || f.user === r.user) &&
        !listed.has(`${f.cause} ${f.path ?? ''} ${f.line ?? ''}`),
    )
    .map((f) => reportFinding(f, lang));
  if (notFixed.length > 0) out.push(`## ${L('notFixed')}`, '', ...notFixed.map((f) => line(f, lang)), '');

  const v = r.verification;
  if (v) {
    out.push(`## ${L('verification')}`, '', `- ${L('reachable')}${s.sep}${v.reachable ? L('yes') : L('no')}`);
    for (const [user, methods] of Object.entries(v.methods))
      out.push(
        `- ${L('methods')}${s.paren(s.code(user))}${s.sep}${(methods ?? []).map((m) => s.code(m)).join(s.list) || '—'}`,
      );
    if (v.login)
      out.push(
        `- ${L('login')}${s.paren(s.code(v.login.via))}${s.sep}${v.login.ok ? '✅' : `❌ ${s.detail(v.login.detail ?? '')}`}`,
      );
    out.push(`- ${L('proof')}${s.sep}${s.code(v.proof)}`);
    out.push(`- ${L('hostKey')}${s.sep}${L(v.hostKey === 'pinned' ? 'hostKeyPinned' : 'hostKeyTofu')}`);
    out.push('');
  }

  const until = r.changes.find((c) => c.window?.until)?.window?.until;
  // Next steps follow from what was proven: never "check that key login works" while it is refused.
  const proven = v?.proof === 'proven' ? wayOf(v) : undefined;
  const tryCommand =
    v && !proven
      ? customerTry({ user: r.user, host: r.host, port: r.sshPort ?? 22, way: wayOf(v) })
      : undefined;
  out.push(
    `## ${L('nextSteps')}`,
    '',
    ...nextSteps(lang, {
      user: r.user,
      host: r.host,
      port: r.sshPort,
      windowUntil: until === undefined ? undefined : at(until),
      keyWorks: proven === 'key',
      tryCommand,
    }).map((step, i) => `${i + 1}. ${step}`),
    '',
  );
  out.push(
    `## ${L('timeline')}`,
    '',
    ...r.timeline.map(
      (e) =>
        `- ${at(e.at)} ${lang === 'ja' ? stepLabel(lang, e.step) : e.step}${e.detail ? `${s.sep}${s.detail(e.detail)}` : ''}`,
    ),
    '',
  );
  if (r.counters) out.push(`- ${L('counters')}${s.sep}${L('countersLine', countersParams(r.counters))}`);
  if (r.transcriptPath) out.push(`- ${L('transcript')}${s.sep}\`${r.transcriptPath}\``);
  const text = `${out.join('\n')}\n`;
  return mask(lang === 'ja' ? jaDocument(text) : text);
}

function countersParams(c: NonNullable<RescueResult['counters']>): Record<string, string> {
  return {
    commands: String(c.commands),
    roundTrips: String(c.roundTrips),
    bytesTyped: String(c.bytesTyped),
  };
}

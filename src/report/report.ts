import { describeFinding } from '../diagnose/describe.js';
import type { Finding } from '../diagnose/findings.js';
import type { Lang } from '../i18n/index.js';
import type { RescueResult } from '../rescue/types.js';
import { mask } from '../secrets.js';
import { customerTry, wayOf } from '../rescue/proof.js';
import { label, nextSteps } from './labels.js';

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

function line(f: ReportedFinding, mark = ''): string {
  const where = [f.user && `${f.user}`, f.location].filter(Boolean).join(', ');
  return `- \`${f.cause}\`${where ? ` (${where})` : ''}${mark}: ${f.sentence}\n  - ${f.fix}`;
}

/** The Markdown report, to paste into the support ticket. */
export function markdownReport(r: RescueResult, lang: Lang): string {
  const L = (k: Parameters<typeof label>[1]) => label(lang, k);
  const out: string[] = [`# ${L('title')}: ${r.host}`, ''];
  // The cause in one sentence, before anything else: what the customer did.
  const cause = r.diagnosis?.primary;
  if (cause) out.push(`**${L('cause')}**: ${describeFinding(cause, lang).sentence}`, '');
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
    `- **${L('result')}**: ${r.ok ? '✅' : notProven ? '⚠️' : '❌'} ${verdict}`,
    ...(r.error ? [`- **${L('error')}**: \`${r.error.code}\` ${JSON.stringify(r.error.params)}`] : []),
    `- **${L('server')}**: ${r.host}`,
    `- **${L('user')}**: ${r.user}`,
    `- **${L('action')}**: ${r.action}${r.dryRun ? ' (--dry-run)' : ''}`,
    ...(r.via ? [`- **${L('via')}**: ${r.via}`] : []),
    `- **${L('time')}**: ${r.startedAt} – ${r.finishedAt}`,
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
    out.push(line(reported, f === primary ? ` **(${L('primary')})**` : ''));
  }

  out.push('', `## ${L('changes')}`, '');
  if (r.changes.length === 0) out.push(L('noChanges'));
  for (const c of r.changes) {
    out.push(
      `### ${c.action} — ${c.txId}`,
      '',
      `- ${L('status')}: ${c.status}${c.failedStep ? ` (${c.failedStep})` : ''}`,
    );
    out.push(
      `- ${L('backup')}: \`${c.backupDir}\``,
      `- ${L('files')}: ${c.files.map((f) => `\`${f}\``).join(', ')}`,
    );
    if (c.window)
      out.push(
        `- ${L('window')}: ${c.window.until ? `${L('windowUntil')} ${c.window.until}` : L('windowPermanent')}`,
      );
    if (c.generatedPasswordHandedOver)
      out.push(`- ${L('passwordHandedOver')}: ${c.generatedPasswordHandedOver}`);
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
  if (notFixed.length > 0) out.push(`## ${L('notFixed')}`, '', ...notFixed.map((f) => line(f)), '');

  const v = r.verification;
  if (v) {
    out.push(`## ${L('verification')}`, '', `- ${L('reachable')}: ${v.reachable ? L('yes') : L('no')}`);
    for (const [user, methods] of Object.entries(v.methods))
      out.push(`- ${L('methods')} (${user}): ${(methods ?? []).join(', ') || '—'}`);
    if (v.login)
      out.push(`- ${L('login')} (${v.login.via}): ${v.login.ok ? '✅' : `❌ ${v.login.detail ?? ''}`}`);
    out.push(`- ${L('proof')}: ${v.proof}`);
    out.push('');
  }

  const windowUntil = r.changes.find((c) => c.window?.until)?.window?.until;
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
      windowUntil,
      keyWorks: proven === 'key',
      tryCommand,
    }).map((s, i) => `${i + 1}. ${s}`),
    '',
  );
  out.push(
    `## ${L('timeline')}`,
    '',
    ...r.timeline.map((t) => `- ${t.at} ${t.step}${t.detail ? `: ${t.detail}` : ''}`),
    '',
  );
  if (r.counters) {
    out.push(
      `- ${L('counters')}: ${r.counters.commands} commands, ${r.counters.roundTrips} round trips, ${r.counters.bytesTyped} bytes typed`,
    );
  }
  if (r.transcriptPath) out.push(`- ${L('transcript')}: \`${r.transcriptPath}\``);
  return mask(`${out.join('\n')}\n`);
}

import { shQuote } from '../rescue/shells/run-command-shell.js';

/**
 * The hardening to check or apply. The default is what owners set by hand and what locked the
 * product's customers out: key-only, no keyboard-interactive passwords, no root.
 */
export type HardeningPlan =
  | { kind: 'default' }
  /** A whole candidate sshd_config (--config FILE). */
  | { kind: 'config'; text: string; source: string }
  /** One drop-in for sshd_config.d (--dropin FILE), under the file's own name. */
  | { kind: 'dropin'; name: string; text: string; source: string };

export const DEFAULT_SETTINGS: readonly (readonly [string, string])[] = [
  ['PasswordAuthentication', 'no'],
  ['KbdInteractiveAuthentication', 'no'],
  ['PermitRootLogin', 'no'],
];

export const MAIN_CONFIG = '/etc/ssh/sshd_config';
export const DROPIN_DIR = '/etc/ssh/sshd_config.d';
export const HARDEN_BEGIN = '# BEGIN vps-rescue harden';
export const HARDEN_END = '# END vps-rescue harden';

/** A drop-in name sshd's Include glob (`*.conf`) picks up and a shell can carry unquoted. */
export const DROPIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,60}\.conf$/;

/** The lines of the default plan: at the very top of sshd_config, before any Include, so they win. */
export function defaultBlock(): string {
  return [HARDEN_BEGIN, ...DEFAULT_SETTINGS.map(([k, v]) => `${k} ${v}`), HARDEN_END].join('\n');
}

/** `keyword → value` the plan means to set for everyone (first value outside Match wins, as in sshd). */
export function intendedSettings(plan: HardeningPlan): Record<string, string> {
  if (plan.kind === 'default')
    return Object.fromEntries(DEFAULT_SETTINGS.map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  const wanted = new Set(DEFAULT_SETTINGS.map(([k]) => k.toLowerCase()));
  const found: Record<string, string> = {};
  for (const raw of plan.text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [keyword = '', value = ''] = line.split(/[\s=]+/);
    const k = keyword.toLowerCase();
    if (k === 'match') break;
    if (wanted.has(k) && !(k in found)) found[k] = value.toLowerCase();
  }
  return found;
}

const b64 = (text: string) => Buffer.from(text.endsWith('\n') ? text : `${text}\n`).toString('base64');

/**
 * sh: puts the candidate configuration in `$d` (a new root-only directory): sshd_config and a copy
 * of sshd_config.d as they are now, changed as the plan says. The plan's text travels as base64 in
 * the script (bytes as given, nothing for the shell to expand).
 */
export function stageCandidate(plan: HardeningPlan): string {
  const lines = [
    `cp -p ${MAIN_CONFIG} "$d/sshd_config"||exit 92`,
    `if [ -d ${DROPIN_DIR} ];then mkdir "$d/sshd_config.d"&&cp -pR ${DROPIN_DIR}/. "$d/sshd_config.d/"||exit 92;fi`,
  ];
  if (plan.kind === 'default') {
    lines.push(
      `{ echo ${shQuote(b64(defaultBlock()))}|base64 -d;cat ${MAIN_CONFIG};}>"$d/sshd_config.new"&&cat "$d/sshd_config.new">"$d/sshd_config"&&rm -f "$d/sshd_config.new"||exit 92`,
    );
  } else if (plan.kind === 'config') {
    lines.push(`echo ${shQuote(b64(plan.text))}|base64 -d>"$d/sshd_config"||exit 92`);
  } else {
    lines.push(
      `[ -d "$d/sshd_config.d" ]||exit 91`,
      `echo ${shQuote(b64(plan.text))}|base64 -d>"$d/sshd_config.d/${plan.name}"&&chmod 644 "$d/sshd_config.d/${plan.name}"||exit 92`,
    );
  }
  return lines.join('\n');
}

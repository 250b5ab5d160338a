import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { Finding } from './findings.js';

/** The finding's sentence and its fix in the reader's language. */
export function describeFinding(f: Finding, lang: Lang): { sentence: string; fix: string } {
  const params = { ...f.params, ...(f.user !== undefined ? { user: f.user } : {}) };
  return {
    sentence: t(lang, `diagnose.cause.${f.cause}` as MessageKey, params),
    fix: t(lang, `diagnose.fix.${f.cause}` as MessageKey, params),
  };
}

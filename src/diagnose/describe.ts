import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { Finding } from './findings.js';

/** The finding's sentence and its fix in the reader's language. */
export function describeFinding(f: Finding, lang: Lang): { sentence: string; fix: string } {
  const params: Record<string, string | number> = {
    ...f.params,
    ...(f.user !== undefined ? { user: f.user } : {}),
  };
  // A stopped daemon's sentence names why it is down, in the reader's language.
  if (f.cause === 'daemon.down' && typeof f.params.reason === 'string')
    params.why = t(lang, `diagnose.down.${f.params.reason}` as MessageKey, params);
  // sshd reachable on another port: where the customer should connect (and where it was verified).
  if (f.cause === 'daemon.listen')
    params.elsewhere = f.params.listenPort === undefined ? '' : t(lang, 'diagnose.listen.elsewhere', params);
  // A socket unit's sentence says what it does against where the client connects.
  if (f.cause === 'daemon.socket-activation') {
    const kind = typeof f.params.kind === 'string' ? f.params.kind : 'unknown';
    params.state = t(lang, `diagnose.socket.${kind}` as MessageKey, params);
    if (f.params.listenPort !== undefined) params.state += t(lang, 'diagnose.listen.elsewhere', params);
    params.todo = t(lang, `diagnose.socketfix.${kind}` as MessageKey, params);
  }
  return {
    sentence: t(lang, `diagnose.cause.${f.cause}` as MessageKey, params),
    fix: t(lang, `diagnose.fix.${f.cause}` as MessageKey, params),
  };
}

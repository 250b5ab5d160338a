import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { ConsoleSession } from '../console/session.js';
import type { Collection } from '../diagnose/collection.js';
import { buildCollector, CONFIG_FILES_MAX } from '../diagnose/collector.js';
import { parseCollection } from '../diagnose/parser.js';
import { RescueError } from '../errors/rescue-error.js';
import { unifiedDiff } from '../report/diff.js';
import { usesDropIns } from './password-window.js';
import type { ServerShell } from './server-shell.js';
import {
  parseShownFiles,
  parseTail,
  parseTxResult,
  renderTransactionRun,
  type Transaction,
  type TxResult,
} from './transaction.js';

/** Where vps-rescue keeps its scripts on the server while it works (root only). */
export const WORK_DIR = '/root/.vps-rescue';

/**
 * Text files whose before/after appear in a report: sshd's configuration and public keys. The
 * password window's own timer files are listed by name only, to keep the ticket readable.
 */
const DIFFABLE = /^(\/etc\/ssh\/|\/home\/[^/]+\/\.ssh\/|\/root\/\.ssh\/)/;

/** A logged-in console as the rescue's shell: scripts are typed once and run in the same command. */
export function consoleShell(session: ConsoleSession, via = 'console'): ServerShell {
  return {
    via,
    run: (cmd, opts) => session.run(cmd, opts),
    runScript: (req) =>
      session.runScript({
        path: req.path,
        data: req.script,
        env: req.env,
        before: req.before,
        after: req.after,
        timeoutMs: req.timeoutMs,
        signal: req.signal,
      }),
    get counters() {
      return session.counters;
    },
    close: () => session.close({ logout: true }),
  };
}

/** The collector as it sits on the server once uploaded: running it again types only its name. */
export interface CollectorOnServer {
  path: string;
  nonce: string;
  users: string[];
}

/**
 * Uploads and runs the collector in one command (creating the work directory first); parses its
 * output. `query` (one line of sh, read-only) runs ahead of it in the same command: its output is
 * what comes before the collector's BEGIN line (`queried`).
 */
export async function collect(
  shell: ServerShell,
  users: string[],
  clientAddress: string,
  query?: string,
): Promise<{ collection: Collection; collector: CollectorOnServer; queried: string }> {
  const built = buildCollector({ users, clientAddress });
  // The file name is seen by every user in `ps`; the nonce inside it must not be.
  const collector = { path: `${WORK_DIR}/c-${randomBytes(4).toString('hex')}.sh`, nonce: built.nonce, users };
  const r = await shell.runScript({
    path: collector.path,
    // The query goes compressed, ahead of the collector in its script (typed plain it cost twice as much).
    script: query ? `${query}\n${built.script}` : built.script,
    before: `mkdir -p -m 700 ${WORK_DIR}`,
    timeoutMs: 60_000,
  });
  const begin = r.stdout.search(new RegExp(`^@@VR ${built.nonce} BEGIN\\r?$`, 'm'));
  return {
    collection: parseCollection(r.stdout, built.nonce, users),
    collector,
    queried: begin < 0 ? '' : r.stdout.slice(0, begin),
  };
}

/** The local address a TCP connection to host:port leaves from: the address sshd will see (from= checks). */
export function localAddressTo(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (address: string) => {
      socket.destroy();
      resolve(address.replace(/^::ffff:/, ''));
    };
    socket.setTimeout(5000, () => done('0.0.0.0'));
    socket.once('connect', () => done(socket.localAddress ?? '0.0.0.0'));
    socket.once('error', () => done(host.includes(':') ? '::1' : '127.0.0.1'));
  });
}

export interface AppliedTx {
  result: TxResult;
  diffs: { path: string; diff: string }[];
  /** The collector's view after the transaction (when one was given): what is still wrong. */
  after?: Collection;
  /** What the transaction's tail printed (Transaction.tail), on success. */
  tail: string[];
}

/**
 * A key file's text as the collector printed it (read on an open descriptor under the same checks
 * as a shown file): '' when it was not there; undefined when the collector did not print it whole.
 */
function collectedText(c: Collection, path: string): string | undefined {
  if (OWN_DROPIN.test(path)) return collectedDropIn(c, path);
  const k = c.keyFiles[path];
  const self = k?.chain[0];
  if (!k || self?.path !== path || k.withheld || k.privateKeyHeaders) return undefined;
  if (!self.exists) return '';
  if (k.content === undefined || (k.realPath !== undefined && k.realPath !== path)) return undefined;
  return k.content.length > 0 ? `${k.content.join('\n')}\n` : '';
}

/** This product's own drop-ins (a password window's): the collector prints them whole. */
const OWN_DROPIN = /^\/etc\/ssh\/sshd_config\.d\/00-vps-rescue[\w-]*\.conf$/;

/**
 * One of our drop-ins as the collector printed it: its only comment is ours, which the collector
 * keeps. '' when it was not there — known only where sshd_config includes the drop-in folder and the
 * collector did not stop at its limit of files; undefined otherwise.
 */
function collectedDropIn(c: Collection, path: string): string | undefined {
  if (!usesDropIns(c) || c.configFiles.length >= CONFIG_FILES_MAX) return undefined;
  const file = c.configFiles.find((f) => f.path === path);
  return file && file.lines.length > 0 ? `${file.lines.join('\n')}\n` : '';
}

/**
 * The files a transaction's script shows before and after its change: those of its backups a diff is
 * made for, except the key files the collector printed (`collected`, its view; given only when the
 * collector runs again behind the change).
 */
export function shownByScript(tx: Transaction, collected?: Collection): string[] {
  return [...new Set(tx.backupFiles)].filter(
    (p) => DIFFABLE.test(p) && (collected === undefined || collectedText(collected, p) === undefined),
  );
}

/**
 * Uploads a transaction and runs it in one command; the script itself shows the public files it
 * touches before and after, and the collector (already on the server) runs once more behind it, so
 * a change costs one exchange. A key file the collector printed before (`before`, its view) and
 * prints again behind the change is not shown by the script: the two views give its diff.
 * `password` (secret) reaches the script only through its environment.
 */
export async function applyTransaction(
  shell: ServerShell,
  tx: Transaction,
  opts: { password?: string; collector?: CollectorOnServer; before?: Collection } = {},
): Promise<AppliedTx> {
  const diffable = [...new Set(tx.backupFiles)].filter((p) => DIFFABLE.test(p));
  const show = shownByScript(tx, opts.collector ? opts.before : undefined);
  const rendered = renderTransactionRun({ ...tx, show });
  const r = await shell.runScript({
    path: `${WORK_DIR}/t-${tx.id.slice(-4)}.sh`,
    script: rendered.script,
    env: opts.password === undefined ? undefined : { VRPW: opts.password },
    after: opts.collector ? `sh ${opts.collector.path}` : undefined,
    timeoutMs: 90_000,
    transaction: tx.id,
  });
  const result = parseTxResult(r.stdout, rendered.nonce);
  if (result.status === 'unknown') {
    throw new RescueError('rescue.failed', { step: tx.id, reason: 'the transaction printed no result' });
  }
  const after = opts.collector
    ? parseCollection(r.stdout, opts.collector.nonce, opts.collector.users)
    : undefined;
  const diffs: AppliedTx['diffs'] = [];
  if (result.status === 'ok') {
    const shown = parseShownFiles(r.stdout, rendered.nonce, show);
    for (const path of diffable) {
      const [was, is] = show.includes(path)
        ? [shown.before.get(path) ?? '', shown.after.get(path) ?? '']
        : [collectedText(opts.before!, path), after && collectedText(after, path)];
      // A view the collector could not print whole gives no diff rather than a wrong one.
      if (was === undefined || is === undefined) continue;
      const diff = unifiedDiff(path, was, is);
      if (diff) diffs.push({ path, diff });
    }
  }
  return { result, diffs, after, tail: result.status === 'ok' ? parseTail(r.stdout, rendered.nonce) : [] };
}

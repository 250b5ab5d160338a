import { connect } from 'node:net';
import type { ConsoleSession } from '../console/session.js';
import type { Collection } from '../diagnose/collection.js';
import { buildCollector } from '../diagnose/collector.js';
import { parseCollection } from '../diagnose/parser.js';
import { RescueError } from '../errors/rescue-error.js';
import { unifiedDiff } from '../report/diff.js';
import { parseTxResult, renderTransaction, type Transaction, type TxResult } from './transaction.js';

/** Where vps-rescue keeps its scripts on the server while it works (root only). */
export const WORK_DIR = '/root/.vps-rescue';

/**
 * Text files whose before/after appear in a report: sshd's configuration and public keys. The
 * password window's own timer files are listed by name only, to keep the ticket readable.
 */
const DIFFABLE = /^(\/etc\/ssh\/|\/home\/[^/]+\/\.ssh\/|\/root\/\.ssh\/)/;

export async function prepareWorkDir(session: ConsoleSession): Promise<void> {
  await session.check(`mkdir -p ${WORK_DIR} && chmod 700 ${WORK_DIR}`, 'workdir');
}

/** Runs the collector on the server (uploaded, checksum-verified, then run) and parses what it printed. */
export async function collect(
  session: ConsoleSession,
  users: string[],
  clientAddress: string,
): Promise<Collection> {
  const collector = buildCollector({ users, clientAddress });
  const path = `${WORK_DIR}/c-${collector.nonce}.sh`;
  await session.upload(path, collector.script, { compress: true });
  return runCollector(session, path, collector.nonce);
}

/** Runs an already uploaded collector again (after a change): nothing is typed but the command. */
export async function runCollector(
  session: ConsoleSession,
  path: string,
  nonce: string,
): Promise<Collection> {
  const r = await session.run(`sh ${path}`, { timeoutMs: 60_000 });
  return parseCollection(r.stdout, nonce);
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
}

/** Reads several regular files in one console round trip (links and missing files read as absent). */
async function readTexts(session: ConsoleSession, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  const mark = `VR-FILE-${Date.now().toString(36)}`;
  const list = paths.map((p) => `'${p}'`).join(' ');
  // `echo` after each file keeps the next marker at the start of a line; it is taken off again below.
  const r = await session.run(
    `for f in ${list}; do [ -f "$f" ] && [ ! -L "$f" ] && echo "${mark} $f" && cat "$f" && echo; done; true`,
  );
  let current: string | undefined;
  for (const line of r.stdout.replace(/\n$/, '').split('\n')) {
    if (line.startsWith(`${mark} `)) {
      current = line.slice(mark.length + 1);
      out.set(current, '');
    } else if (current !== undefined) out.set(current, `${out.get(current)}${line}\n`);
  }
  for (const [path, text] of out) out.set(path, text.replace(/\n$/, ''));
  return out;
}

/**
 * Uploads a transaction, runs it, and reports its result with diffs of the public files it touched.
 * `password` (secret) reaches the script only through its environment.
 */
export async function applyTransaction(
  session: ConsoleSession,
  tx: Transaction,
  password?: string,
): Promise<AppliedTx> {
  const diffable = [...new Set(tx.backupFiles)].filter((p) => DIFFABLE.test(p) && !/'/.test(p));
  const before = await readTexts(session, diffable);
  const script = `${WORK_DIR}/t-${tx.id.slice(-4)}.sh`;
  await session.upload(script, renderTransaction(tx), { compress: true });
  const env = password === undefined ? '' : `VRPW='${password}' `;
  const r = await session.run(`${env}sh ${script}`, { timeoutMs: 90_000 });
  const result = parseTxResult(r.stdout);
  if (result.status === 'unknown') {
    throw new RescueError('rescue.failed', { step: tx.id, reason: 'the transaction printed no result' });
  }
  const diffs: AppliedTx['diffs'] = [];
  if (result.status === 'ok') {
    const after = await readTexts(session, diffable);
    for (const path of diffable) {
      const diff = unifiedDiff(path, before.get(path) ?? '', after.get(path) ?? '');
      if (diff) diffs.push({ path, diff });
    }
  }
  return { result, diffs };
}

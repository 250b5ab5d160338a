import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chainUpload } from '../src/console/gzip-chain.js';
import { encodeFor, type Encoding } from '../src/console/z85.js';
import { analyse } from '../src/diagnose/analyse.js';
import { buildCollector } from '../src/diagnose/collector.js';
import { parseCollection } from '../src/diagnose/parser.js';
import { UNFINISHED_QUERY } from '../src/rescue/interruption.js';
import { passwordWindow } from '../src/rescue/password-window.js';
import { planFixes } from '../src/rescue/plan.js';
import { shownByScript, WORK_DIR } from '../src/rescue/server-io.js';
import { renderTransactionRun, type Transaction } from '../src/rescue/transaction.js';

/**
 * The scripts the bench's rescues type, built here without a lab server: the collector and the two
 * transactions for the story (alice's key in ~/ssh, the collection recorded in the diagnosis
 * fixtures), compressed as the console upload does it (one gzip stream per shell, the transaction
 * continuing the collector's). Bytes do not depend on the machine, so a unit test can hold them to a
 * cap. Command lines (shell setup, upload lines) are not part of it: about 0.9 KB more per rescue.
 *
 * `npx tsx bench/typed-size.ts` prints the table; `--lines collector|window|key` lists what each line
 * of that script costs (the typed Z85 bytes the script loses without it: what gzip cannot share with
 * the rest), the dearest first.
 */
export interface ScriptSize {
  /** The script as the server runs it. */
  script: number;
  /** Its part of the shell's gzip stream. */
  gzip: number;
  /** Typed, lines and Enter included (the here-document's end line excluded). */
  typed: Record<Encoding, number>;
}

export interface TypedSizes {
  collector: ScriptSize;
  keyRepair: ScriptSize;
  window: ScriptSize;
}

const FIXTURES = fileURLToPath(new URL('../test/fixtures/diagnose/', import.meta.url));
/** Characters per typed line of a script body (src/console/upload.ts). */
const LINE = 376;

function typedLength(text: string): number {
  return text.length + Math.ceil(text.length / LINE);
}

function sizeOf(sent: Buffer, script: string): ScriptSize {
  return {
    script: Buffer.byteLength(script),
    gzip: sent.length,
    typed: {
      base64: typedLength(encodeFor('base64', sent)),
      z85: typedLength(encodeFor('z85', sent)),
    },
  };
}

/** The story's scripts as the server runs them (the transactions continue the collector's stream). */
function storyScripts(): { collector: string; keyRepair: string; window: string } {
  const meta = JSON.parse(readFileSync(`${FIXTURES}story-wrong-dir.json`, 'utf8')) as { customerKey: string };
  const c = parseCollection(readFileSync(`${FIXTURES}story-wrong-dir.txt`, 'utf8'));
  const users = ['alice', 'root'];
  const collector = `${UNFINISHED_QUERY}\n${buildCollector({ users, clientAddress: '127.0.0.1' }).script}`;
  const d = analyse({ collection: c, users, customerKey: meta.customerKey, clientAddress: '127.0.0.1' });
  const txId = '20261203T120000-abcd';
  const key = planFixes(c, d, { txId, user: 'alice', keysOnly: false, customerKey: meta.customerKey });
  if (!key) throw new Error('the story fixture gave no key repair');
  const window = passwordWindow(c, { txId, user: 'alice', windowMinutes: 60 }).tx;
  const rendered = (tx: Transaction) => renderTransactionRun({ ...tx, show: shownByScript(tx, c) }).script;
  return { collector, keyRepair: rendered(key.tx), window: rendered(window) };
}

/** The typed size of each script, the transactions continuing the collector's gzip stream. */
function sizes(scripts: { collector: string; keyRepair: string; window: string }): TypedSizes {
  const first = chainUpload(undefined, `${WORK_DIR}/c-00000000.sh`, Buffer.from(scripts.collector));
  const continued = (script: string) =>
    sizeOf(chainUpload(first.next, `${WORK_DIR}/t-abcd.sh`, Buffer.from(script)).sent, script);
  return {
    collector: sizeOf(first.sent, scripts.collector),
    keyRepair: continued(scripts.keyRepair),
    window: continued(scripts.window),
  };
}

export function typedSizes(): TypedSizes {
  return sizes(storyScripts());
}

type ScriptName = keyof TypedSizes;

/** What each line of one script costs typed (Z85): the script's size minus its size without that line. */
export function lineCosts(name: ScriptName): { line: string; typed: number }[] {
  const scripts = storyScripts();
  const whole = sizes(scripts)[name].typed.z85;
  const lines = scripts[name].split('\n');
  return lines
    .map((line, i) => {
      const without = { ...scripts, [name]: lines.filter((_, j) => j !== i).join('\n') };
      return { line, typed: whole - sizes(without)[name].typed.z85 };
    })
    .sort((a, b) => b.typed - a.typed);
}

const LINES_OF: Record<string, ScriptName> = { collector: 'collector', window: 'window', key: 'keyRepair' };

const asProgram = process.argv[1] === fileURLToPath(import.meta.url);

if (asProgram && process.argv[2] === '--lines') {
  // Piped into `head`, the listing just stops.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const name = LINES_OF[process.argv[3] ?? ''];
  if (!name) {
    console.error('usage: npx tsx bench/typed-size.ts [--lines collector|window|key]');
    process.exit(2);
  }
  for (const { line, typed } of lineCosts(name))
    console.log(`${String(typed).padStart(5)}  ${line.slice(0, 110)}`);
} else if (asProgram) {
  const s = typedSizes();
  const row = (name: string, x: ScriptSize) =>
    `| ${name} | ${x.script} | ${x.gzip} | ${x.typed.base64} | ${x.typed.z85} |`;
  console.log('| Script (story) | Bytes | gzip, in the stream | Typed as base64 | Typed as Z85 |');
  console.log('|---|---|---|---|---|');
  console.log(row('collector', s.collector));
  console.log(row('key repair transaction', s.keyRepair));
  console.log(row('password window transaction', s.window));
  const total = (x: ScriptSize) => s.collector.typed.z85 + x.typed.z85;
  console.log(
    `\nScripts typed per rescue (Z85): key repair ${total(s.keyRepair)}, password window ${total(s.window)}`,
  );
}

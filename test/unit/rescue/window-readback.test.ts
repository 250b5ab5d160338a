import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCollector, CONFIG_FILES_MAX } from '../../../src/diagnose/collector.js';
import { parseCollection } from '../../../src/diagnose/parser.js';
import { decodeSedL, encodeSedL } from '../../../src/diagnose/sed-l.js';
import { passwordWindow } from '../../../src/rescue/password-window.js';
import { shownByScript } from '../../../src/rescue/server-io.js';
import { parseTail, renderTransactionRun } from '../../../src/rescue/transaction.js';
import { windowTimesFrom } from '../../../src/rescue/window-clock.js';

/*
 * What a password window's transaction reads back without commands of its own: its drop-in's
 * before/after from the collector's views (which keep this product's own comments), and the window's
 * times from the transaction's tail line.
 */

const FIXTURE = join(import.meta.dirname, '../../fixtures/diagnose/story-wrong-dir.txt');
const DROPIN = '/etc/ssh/sshd_config.d/00-vps-rescue-alice.conf';
const OURS = '# vps-rescue 20261203T120000-abcd: password login for alice only (removed after 60 s by …)';

/** The story's collection with extra config files sent as the collector sends them, renumbered. */
function storyWith(files: { path: string; lines: string[] }[]): string {
  const all = readFileSync(FIXTURE, 'utf8').split('\n');
  const nonce = /^@@VR (\S+) BEGIN$/.exec(all[0]!)![1]!;
  const at = all.findIndex((l) => new RegExp(`^@@VR ${nonce} \\d+ P\\b`).test(l));
  const sections = files.flatMap((f) => {
    const body = encodeSedL(f.lines);
    return [`@@VR ${nonce} 0 F ${Buffer.from(f.path).toString('hex')} ${body.length}`, ...body];
  });
  all.splice(at, 0, ...sections);
  let seq = 0;
  const head = new RegExp(`^@@VR ${nonce} \\d+ `);
  return all
    .map((l) => (head.test(l) ? l.replace(head, `@@VR ${nonce} ${++seq} `) : l))
    .map((l) => (l.startsWith(`@@VR ${nonce} END `) ? `@@VR ${nonce} END ${seq}` : l))
    .join('\n');
}

describe("the collector's config views", () => {
  it("blank every comment but this product's own (real sed on the collector's own expression)", () => {
    const script = buildCollector({ users: ['alice'], clientAddress: '127.0.0.1' }).script;
    const program = /d "\$f" '([^']+)'/.exec(script)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'vr-readback-'));
    try {
      const file = join(dir, 'sshd_config');
      const lines = [
        OURS,
        '# BEGIN vps-rescue-window alice',
        '  # a comment of the customer',
        '#PermitRootLogin yes',
        '# vps-rescue-lookalike? no: a customer comment without the space',
        'Match User alice',
        '# END vps-rescue-window alice',
      ];
      writeFileSync(file, `${lines.join('\n')}\n`);
      const out = execFileSync('sed', ['-n', `${program}l`, file], { encoding: 'utf8' });
      expect(decodeSedL(out.trimEnd().split('\n'))).toEqual([
        OURS,
        '# BEGIN vps-rescue-window alice',
        '',
        '',
        '# vps-rescue-lookalike? no: a customer comment without the space',
        'Match User alice',
        '# END vps-rescue-window alice',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are parsed with our own comments kept and the others empty', () => {
    const c = parseCollection(
      storyWith([
        { path: DROPIN, lines: [OURS, '# not ours', 'Match User alice', '\tPasswordAuthentication yes'] },
      ]),
    );
    expect(c.configFiles.find((f) => f.path === DROPIN)?.lines).toEqual([
      OURS,
      '',
      'Match User alice',
      '\tPasswordAuthentication yes',
    ]);
  });
});

const tx = (text: string) =>
  passwordWindow(parseCollection(text), { txId: '20261203T120000-abcd', user: 'alice', windowMinutes: 1 }).tx;

describe("a window's drop-in", () => {
  it('is not shown by the script when the collector reads the drop-in folder around the change', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const c = parseCollection(text);
    expect(tx(text).backupFiles).toContain(DROPIN);
    expect(shownByScript(tx(text), c)).not.toContain(DROPIN);
    const script = renderTransactionRun({ ...tx(text), show: shownByScript(tx(text), c) }).script;
    expect(script).not.toContain('sf(){');
  });

  it('is shown by the script when the collector may have stopped before it, or runs no second time', () => {
    const many = Array.from({ length: CONFIG_FILES_MAX }, (_, i) => ({
      path: `/etc/ssh/sshd_config.d/${String(i + 10)}-x.conf`,
      lines: ['LogLevel INFO'],
    }));
    const crowded = storyWith(many);
    expect(shownByScript(tx(crowded), parseCollection(crowded))).toContain(DROPIN);
    const text = readFileSync(FIXTURE, 'utf8');
    expect(shownByScript(tx(text))).toContain(DROPIN);
  });
});

describe("a window's times", () => {
  it("are read from the transaction's tail line, nonce-marked, by the server's clock", () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const rendered = renderTransactionRun(tx(text));
    expect(rendered.script).toContain('echo "VR-TAIL $K $(date +%s) $(cat /etc/vps-rescue/window-alice)"');
    const out = [
      `VR-TAIL 0000000000000000 1 x 2 3`,
      `VR-TAIL ${rendered.nonce} 1764763300 20261203T120000-abcd 1764763200 1764766800 3700`,
      `VR-RESULT ${rendered.nonce} ok /var/backups/vps-rescue/20261203T120000-abcd`,
    ].join('\n');
    const tail = parseTail(out, rendered.nonce);
    expect(tail).toHaveLength(1);
    // This machine's clock halfway through the exchange: 2 h behind the server's.
    const times = windowTimesFrom(tail, (1764763300 - 7200) * 1000);
    expect(times).toEqual({
      opened: new Date(1764763200 * 1000).toISOString().replace('.000Z', 'Z'),
      until: new Date(1764766800 * 1000).toISOString().replace('.000Z', 'Z'),
      skewSeconds: 7200,
    });
  });

  it('of a permanent window have no end; a tail that is not numbers gives none', () => {
    expect(windowTimesFrom(['1764763300 T 1764763200 -'], 1764763300_000)).toEqual({
      opened: new Date(1764763200 * 1000).toISOString().replace('.000Z', 'Z'),
      skewSeconds: 0,
    });
    expect(windowTimesFrom(['1764763300 T yesterday -'], 1764763300_000)).toBeUndefined();
    expect(windowTimesFrom([], 1764763300_000)).toBeUndefined();
  });
});

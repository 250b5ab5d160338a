import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCollector } from '../../../src/diagnose/collector.js';
import { confirmScript, hardenScript, keptCheck, revertScript } from '../../../src/harden/revert.js';
import { predictionScript } from '../../../src/preflight/predict.js';
import type { HardeningPlan } from '../../../src/preflight/plan.js';

/** `sh -n`: the scripts the server runs parse as POSIX sh (dash, as Debian's /bin/sh). */
function parses(script: string): void {
  execFileSync('dash', ['-n'], { input: script });
}

const PLANS: HardeningPlan[] = [
  { kind: 'default' },
  { kind: 'config', text: "PermitRootLogin no\n# it's 'quoted' $HOME `x`\n", source: 'c' },
  { kind: 'dropin', name: '99-harden.conf', text: 'PasswordAuthentication no\n', source: 'd' },
];

describe('server scripts of preflight and harden', () => {
  it.each(PLANS)('parse for a $kind plan; the plan text travels as base64, never as shell text', (plan) => {
    const collector = buildCollector({ users: ['alice'], clientAddress: '127.0.0.1' }).script;
    const prediction = predictionScript(plan, collector);
    const harden = hardenScript(plan, 'abc123def', 30);
    for (const s of [
      prediction,
      harden,
      revertScript('abc123def'),
      confirmScript('abc123def'),
      keptCheck('abc123def'),
    ])
      parses(s);
    if (plan.kind !== 'default') {
      expect(prediction).not.toContain(plan.text.trim().split('\n')[0]);
      expect(harden).toContain(Buffer.from(plan.text).toString('base64'));
    }
    // The revert is armed before the reload, in that order in the script.
    expect(harden.indexOf('systemd-run')).toBeGreaterThan(harden.indexOf('sshd -t'));
    expect(harden.indexOf('rl||')).toBeGreaterThan(harden.indexOf('systemd-run'));
    expect(harden.indexOf('rl||')).toBeGreaterThan(harden.indexOf('setsid'));
    expect(harden).toContain('VR-HARDEN-abc123def armed 30');
  });

  it('refuses a transaction id that is not a plain token (it names files and units)', () => {
    expect(() => revertScript('../x')).toThrow();
    expect(() => hardenScript({ kind: 'default' }, 'a b', 30)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import type {
  Capability,
  CommandResult,
  ProviderAdapter,
  RescueAccess,
  ServerRef,
} from '../../../providers/types.js';
import { cameNoFurther, chooseWayIn } from '../../../src/rescue/way-in.js';
import type { ConsoleEndpoint, ConsoleKind } from '../../../src/console/endpoint.js';
import { isRescueError, RescueError } from '../../../src/errors/rescue-error.js';
import { t, type Lang } from '../../../src/i18n/index.js';

const SERVER: ServerRef = {
  provider: 'fake',
  id: '100',
  name: 'web01',
  status: 'running',
  vendorStatus: 'running',
  addresses: { ipv4: ['127.0.1.5'], ipv6: [] },
};

const SERIAL: ConsoleEndpoint = { kind: 'serial-ws', url: 'ws://127.0.0.1:1/?token=t' };
const VNC: ConsoleEndpoint = { kind: 'vnc-ws', url: 'ws://127.0.0.1:2/', password: 'vncpass1' };

const unavailable = (kind: string) =>
  new RescueError('console.unavailable', { kind, server: 'web01', hint: `no ${kind} port configured` });

interface Fake {
  capabilities: Capability[];
  serial?: () => ConsoleEndpoint;
  vnc?: () => ConsoleEndpoint;
  agent?: () => CommandResult;
  exitFails?: boolean;
}

/** An adapter whose every way in is scripted; calls are recorded so a test sees what was tried. */
function fakeAdapter(f: Fake) {
  const calls: string[] = [];
  const adapter: ProviderAdapter = {
    id: 'fakecloud',
    capabilities: f.capabilities,
    findServer: async () => SERVER,
    openConsole: async (_s, kind: ConsoleKind) => {
      calls.push(`open ${kind}`);
      const open = kind === 'serial' ? f.serial : f.vnc;
      if (!open) throw new Error(`not scripted: ${kind}`);
      return open();
    },
  };
  if (f.capabilities.includes('runCommand'))
    adapter.runCommand = async (_s, argv) => {
      calls.push(`run ${argv.join(' ')}`);
      return f.agent!();
    };
  if (f.capabilities.includes('rescueBoot')) {
    adapter.rescueBoot = async (): Promise<RescueAccess> => {
      calls.push('rescue boot');
      return { notes: [] };
    };
    adapter.exitRescue = async () => {
      calls.push('exit rescue');
      if (f.exitFails)
        throw new RescueError('provider.api', {
          provider: 'fakecloud',
          status: 500,
          operation: 'disable rescue',
          detail: '',
        });
    };
  }
  return { adapter, calls };
}

async function choose(f: Fake, lang: Lang = 'en', mayReboot?: boolean) {
  const { adapter, calls } = fakeAdapter(f);
  const lines: string[] = [];
  const result = await chooseWayIn(adapter, SERVER, {
    lang,
    mayReboot,
    progress: (step, detail) => lines.push(`${step}: ${detail ?? ''}`),
  }).catch((err: unknown) => err);
  return { result, calls, lines };
}

const root = (): CommandResult => ({ exitCode: 0, stdout: '0\n', stderr: '' });

describe('choosing the way in', () => {
  it('serial console first when it opens; nothing else is tried', async () => {
    const { result, calls, lines } = await choose({
      capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
      serial: () => SERIAL,
      agent: root,
    });
    expect(result).toMatchObject({ kind: 'console', path: 'serial-console', endpoint: SERIAL, skipped: [] });
    expect(calls).toEqual(['open serial']);
    expect(lines).toEqual([expect.stringMatching(/^way-in: going in through the serial console: /)]);
  });

  it('serial console unavailable → guest agent, probed as root, with the reason for skipping serial', async () => {
    const { result, calls, lines } = await choose({
      capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
      serial: () => {
        throw unavailable('serial');
      },
      agent: root,
    });
    expect(result).toMatchObject({
      kind: 'shell',
      path: 'run-command',
      offers: ['serial-console', 'run-command', 'vnc-console'],
    });
    const access = result as { skipped: { path: string; reason: string }[]; shell: () => Promise<unknown> };
    expect(access.skipped).toEqual([
      { path: 'serial-console', reason: expect.stringContaining('no serial port configured') },
    ]);
    expect(calls).toEqual(['open serial', 'run /bin/sh']);
    expect(lines[0]).toMatch(/serial console skipped: .*no serial port configured/);
    expect(lines[1]).toMatch(/going in through the guest agent commands: /);
    const shell = (await access.shell()) as { via: string };
    expect(shell.via).toBe('guest agent (fakecloud)');
  });

  it('no serial console at all → says the vendor does not offer it, takes the agent', async () => {
    const { result, calls } = await choose({ capabilities: ['runCommand'], agent: root });
    expect(result).toMatchObject({
      kind: 'shell',
      skipped: [{ path: 'serial-console', reason: 'fakecloud does not offer it' }],
    });
    expect(calls).toEqual(['run /bin/sh']);
  });

  it('agent that is not root, rescue system without SSH → VNC, every skip explained', async () => {
    const { result, calls } = await choose({
      capabilities: ['serialConsole', 'vncConsole', 'runCommand', 'rescueBoot'],
      serial: () => {
        throw unavailable('serial');
      },
      agent: () => ({ exitCode: 0, stdout: '1000\n', stderr: '' }),
      vnc: () => VNC,
    });
    expect(result).toMatchObject({ kind: 'console', path: 'vnc-console', endpoint: VNC });
    const skipped = (result as { skipped: { path: string; reason: string }[] }).skipped;
    expect(skipped.map((s) => s.path)).toEqual(['serial-console', 'run-command', 'rescue-system']);
    expect(skipped[1]!.reason).toMatch(/not run as root.*"1000"/);
    expect(skipped[2]!.reason).toMatch(/no SSH access/);
    // The rescue system that could not be used is left at once: the server boots its own system.
    expect(calls).toEqual(['open serial', 'run /bin/sh', 'rescue boot', 'exit rescue', 'open vnc']);
  });

  it('a rescue system reached on its console (no SSH) whose console does not answer: skipped, left at once', async () => {
    const { adapter, calls } = fakeAdapter({ capabilities: ['rescueBoot', 'vncConsole'], vnc: () => VNC });
    adapter.rescueBoot = async (): Promise<RescueAccess> => {
      calls.push('rescue boot');
      return {
        console: { kind: 'serial-ssh', host: '127.0.0.1', port: 1, username: 'lish' },
        disks: { '/dev/sda': 'disk' },
        notes: [],
      };
    };
    const lines: string[] = [];
    const result = await chooseWayIn(adapter, SERVER, {
      lang: 'en',
      progress: (step, detail) => lines.push(`${step}: ${detail ?? ''}`),
    }).catch((err: unknown) => err);
    expect(result).toMatchObject({ kind: 'console', path: 'vnc-console' });
    const skipped = (result as { skipped: { path: string; reason: string }[] }).skipped;
    expect(skipped.map((s) => s.path)).toEqual(['serial-console', 'run-command', 'rescue-system']);
    expect(skipped[2]!.reason).toMatch(/127\.0\.0\.1/);
    expect(calls).toEqual(['rescue boot', 'exit rescue', 'open vnc']);
  });

  it('--dry-run / diagnose: the rescue system is not booted (it would reboot the server)', async () => {
    const { result, calls } = await choose(
      { capabilities: ['vncConsole', 'rescueBoot'], vnc: () => VNC },
      'en',
      false,
    );
    expect(result).toMatchObject({ kind: 'console', path: 'vnc-console' });
    expect((result as { skipped: { reason: string }[] }).skipped[2]!.reason).toMatch(/reboots the server/);
    expect(calls).toEqual(['open vnc']);
  });

  it('a rescue system that cannot be left ends the choice with rescue.still-in-rescue, said on a progress line', async () => {
    const { result, calls, lines } = await choose({
      capabilities: ['vncConsole', 'rescueBoot'],
      vnc: () => VNC,
      exitFails: true,
    });
    expect(isRescueError(result) && result.code).toBe('rescue.still-in-rescue');
    expect(calls).toEqual(['rescue boot', 'exit rescue']);
    expect(lines.join('\n')).toMatch(/rebooting web01 into the fakecloud rescue system/);
    expect(lines.join('\n')).toMatch(/web01 may still be in the rescue system/);
  });

  it('a guest agent that is not running is skipped with the vendor error', async () => {
    const { result } = await choose({
      capabilities: ['runCommand', 'vncConsole'],
      agent: () => {
        throw new RescueError('provider.precondition', {
          provider: 'fakecloud',
          operation: 'guest agent',
          reason: 'the QEMU guest agent is not running',
        });
      },
      vnc: () => VNC,
    });
    expect(result).toMatchObject({ path: 'vnc-console' });
    expect((result as { skipped: { reason: string }[] }).skipped[1]!.reason).toMatch(
      /guest agent is not running/,
    );
  });

  it('nothing works → rescue.no-way-in naming each reason and what the vendor offers', async () => {
    const { result } = await choose({
      capabilities: ['serialConsole', 'vncConsole'],
      serial: () => {
        throw unavailable('serial');
      },
      vnc: () => {
        throw unavailable('VNC');
      },
    });
    expect(isRescueError(result) && result.code).toBe('rescue.no-way-in');
    const params = (result as RescueError).params;
    expect(params.offers).toBe('serial console, VNC console');
    expect(String(params.reason)).toMatch(/serial console: .*no serial port configured/);
    expect(String(params.reason)).toMatch(/guest agent commands: fakecloud does not offer it/);
    expect(String(params.reason)).toMatch(/VNC console: .*no VNC port configured/);
  });

  it('a vendor with no way in at all → rescue.no-way-in, offers none', async () => {
    const { result } = await choose({ capabilities: [] });
    expect(isRescueError(result) && result.code).toBe('rescue.no-way-in');
    expect((result as RescueError).params.offers).toBe(t('en', 'rescue.offers.none'));
  });

  it('bad credentials end the choice at once: the next way would fail the same way', async () => {
    const { result, calls } = await choose({
      capabilities: ['serialConsole', 'runCommand'],
      serial: () => {
        throw new RescueError('auth.failed', { provider: 'fakecloud', detail: '' });
      },
      agent: root,
    });
    expect(isRescueError(result) && result.code).toBe('auth.failed');
    expect(calls).toEqual(['open serial']);
  });

  it('a programming error is not taken for an unavailable way in', async () => {
    const { result } = await choose({
      capabilities: ['serialConsole', 'runCommand'],
      serial: () => {
        throw new TypeError('bug');
      },
      agent: root,
    });
    expect(result).toBeInstanceOf(TypeError);
  });

  it('Japanese progress lines', async () => {
    const { lines } = await choose({ capabilities: ['runCommand'], agent: root }, 'ja');
    expect(lines[0]).toContain('シリアルコンソールは使いません');
    expect(lines[1]).toContain('ゲストエージェントでのコマンド実行から作業します');
  });

  it('resumes after a way that opened but did not let the rescue in, keeping the earlier reasons', async () => {
    const { adapter, calls } = fakeAdapter({
      capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
      serial: () => SERIAL,
      agent: root,
    });
    const lines: string[] = [];
    const progress = (step: string, detail?: string) => lines.push(`${step}: ${detail ?? ''}`);
    const first = await chooseWayIn(adapter, SERVER, { lang: 'en', progress });
    expect(first.path).toBe('serial-console');
    const skipped = [{ path: 'serial-console' as const, reason: 'the console refused the login' }];
    const next = await chooseWayIn(
      adapter,
      SERVER,
      { lang: 'en', progress },
      { after: 'serial-console', skipped },
    );
    expect(next).toMatchObject({ kind: 'shell', path: 'run-command', skipped });
    // The serial console is not opened a second time.
    expect(calls).toEqual(['open serial', 'run /bin/sh']);
  });

  it('a refused console login and nothing else working → console.login-failed, the other ways as hints', async () => {
    const { adapter } = fakeAdapter({
      capabilities: ['serialConsole', 'vncConsole'],
      serial: () => SERIAL,
      vnc: () => {
        throw unavailable('VNC');
      },
    });
    const progress = () => undefined;
    const refusal = new RescueError('console.login-failed', { user: 'root' });
    const skipped = [{ path: 'serial-console' as const, reason: 'refused', error: refusal }];
    const result = await chooseWayIn(
      adapter,
      SERVER,
      { lang: 'en', progress },
      { after: 'serial-console', skipped },
    ).catch((err: unknown) => err);
    expect(isRescueError(result) && result.code).toBe('console.login-failed');
    expect(isRescueError(result) && result.exitCode).toBe(5);
    expect((result as RescueError).params.user).toBe('root');
    const hints = (result as RescueError).hints;
    expect(
      hints.some((h) => /^VNC console: .*no VNC port configured/.test(h)),
      hints.join('\n'),
    ).toBe(true);
    expect(hints.some((h) => /^guest agent commands: fakecloud does not offer it/.test(h))).toBe(true);
    expect(hints.every((h) => !h.includes('serial console:'))).toBe(true);
  });

  it('only failures before any shell was reached let the next way be tried', () => {
    const code = (c: string) => new RescueError(c as 'usage', {});
    for (const c of ['rescue.no-way-in', 'console.login-failed', 'console.no-prompt', 'console.unavailable'])
      expect(cameNoFurther(code(c)), c).toBe(true);
    for (const c of [
      'rescue.failed',
      'rescue.rolled-back',
      'console.timeout',
      'console.closed',
      'verify.failed',
    ])
      expect(cameNoFurther(code(c)), c).toBe(false);
    expect(cameNoFurther(new Error('console.login-failed'))).toBe(false);
  });

  it('the console password is read before a console is opened; none to be had skips the consoles', async () => {
    const { adapter, calls } = fakeAdapter({
      capabilities: ['serialConsole', 'vncConsole', 'runCommand'],
      serial: () => SERIAL,
      vnc: () => VNC,
      agent: root,
    });
    const lines: string[] = [];
    const progress = (step: string, detail?: string) => lines.push(`${step}: ${detail ?? ''}`);
    const asked = await chooseWayIn(adapter, SERVER, {
      lang: 'en',
      progress,
      beforeConsole: async () => {
        calls.push('password read');
        return true;
      },
    });
    expect(asked.path).toBe('serial-console');
    expect(calls).toEqual(['password read', 'open serial']);

    calls.length = 0;
    const none = await chooseWayIn(adapter, SERVER, {
      lang: 'en',
      progress,
      beforeConsole: async () => false,
    });
    expect(none).toMatchObject({
      path: 'run-command',
      skipped: [{ path: 'serial-console', reason: expect.stringMatching(/no console password/) }],
    });
    expect(calls).toEqual(['run /bin/sh']);
  });
});

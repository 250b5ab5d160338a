import { describe, expect, it } from 'vitest';
import { main, formatError } from '../../src/cli/main.js';
import { RescueError } from '../../src/errors/rescue-error.js';
import { EXIT_CODES } from '../../src/errors/codes.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cli', () => {
  it('prints the version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help in English and Japanese', async () => {
    const en = await run(['--help']);
    expect(en.code).toBe(0);
    expect(en.out).toContain('out-of-band console');
    const ja = await run(['--help', '--lang', 'ja']);
    expect(ja.out).toContain('帯域外コンソール');
    const jaEnv = await run(['--help'], { LANG: 'ja_JP.UTF-8' });
    expect(jaEnv.out).toContain('帯域外コンソール');
  });

  it('LC_ALL wins over LANG', async () => {
    const r = await run(['--help'], { LANG: 'ja_JP.UTF-8', LC_ALL: 'C' });
    expect(r.out).toContain('out-of-band console');
  });

  it('an unknown option is a one-line usage error with exit code 2', async () => {
    const r = await run(['--no-such-option']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^vps-rescue: .*\[usage\]$/);
  });

  it('refuses a password on argv without echoing it', async () => {
    const r = await run(['--password=CANARY-s3cret']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.err).toContain('[usage.secret-on-argv]');
    expect(r.err).not.toContain('CANARY-s3cret');
  });

  it('--json errors are JSON with the stable code', async () => {
    const r = await run(['--json', '--token', 'x']);
    const parsed = JSON.parse(r.err) as { ok: boolean; error: { code: string } };
    expect(parsed).toMatchObject({ ok: false, error: { code: 'usage.secret-on-argv' } });
  });
});

describe('formatError', () => {
  it('a known error is one localized line with its code', () => {
    const e = new RescueError('provider.not-found', { query: 'ip=203.0.113.9', provider: 'conoha' });
    expect(formatError(e, { lang: 'en', json: false, debug: false })).toBe(
      'vps-rescue: no server matches ip=203.0.113.9 at conoha [provider.not-found]',
    );
    expect(formatError(e, { lang: 'ja', json: false, debug: false })).toContain(
      '一致するサーバーがありません',
    );
    expect(e.exitCode).toBe(EXIT_CODES.notFound);
  });

  it('an unknown error shows the stack only with --debug', () => {
    const e = new Error('boom');
    expect(formatError(e, { lang: 'en', json: false, debug: false })).not.toContain('at ');
    expect(formatError(e, { lang: 'en', json: false, debug: false }).split('\n')).toHaveLength(1);
    expect(formatError(e, { lang: 'en', json: false, debug: true })).toContain('cli.test.ts');
  });
});

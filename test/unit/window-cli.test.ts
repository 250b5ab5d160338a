import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT_CODES } from '../../src/errors/codes.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/* A console that does not exist: an input error must stop before it is tried (else: console.connect). */
const WAY = [
  '--host',
  '127.0.0.1',
  '--console',
  'unix:/nonexistent/vps-rescue-test.sock',
  '--password-env',
  'P',
];

describe('vps-rescue window', () => {
  it('help in English and Japanese names list, close and extend', async () => {
    const en = await run(['window', '--help']);
    expect(en.code).toBe(0);
    expect(en.out).toContain('close one early or extend it');
    expect(en.out).toMatch(/--minutes/);
    const ja = await run(['window', '--help', '--lang', 'ja']);
    expect(ja.out).toContain('受付期間を一覧・早期終了・延長');
    expect(ja.out).toContain('残り時間に足す分数');
  });

  for (const [name, argv, message] of [
    ['close without --user', ['window', 'close', ...WAY], /needs --user/],
    ['extend without --minutes', ['window', 'extend', '--user', 'alice', ...WAY], /--minutes/],
    ['extend by 0 minutes', ['window', 'extend', '--user', 'alice', '--minutes', '0', ...WAY], /--minutes/],
    [
      'extend by 1.5 minutes',
      ['window', 'extend', '--user', 'alice', '--minutes', '1.5', ...WAY],
      /--minutes/,
    ],
    ['extend past the maximum', ['window', 'extend', '--user', 'alice', '--minutes', '1441', ...WAY], /1440/],
    ['a user name that cannot be a window', ['window', 'close', '--user', '../x', ...WAY], /not a user name/],
    ['both --provider and --console', ['window', 'list', '--provider', 'hetzner', ...WAY], /exactly one/],
    ['an unknown operation', ['window', 'open', ...WAY], /needs one of: list, close, extend/],
  ] as const) {
    it(`${name}: one usage line, exit 2, the console untouched`, async () => {
      const r = await run([...argv], { P: 'x' });
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toContain('console.connect');
    });
  }

  it('a valid request goes on to the console (here: none there, so console.connect)', async () => {
    const r = await run(['window', 'list', ...WAY], { P: 'x' });
    expect(r.code).toBe(EXIT_CODES.console);
    expect(r.err).toContain('[console.connect]');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { commands } from '../../src/cli/commands/index.js';
import { EXIT_CODES } from '../../src/errors/codes.js';
import { renderManPage } from '../../scripts/man-page.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const names = commands.map((c) => (typeof c.command === 'string' ? c.command : c.command[0]!).split(' ')[0]!);

/** Option lines of a help text whose flags are followed by no description, only [type]/[default] notes. */
function undescribed(help: string): string[] {
  const section = /\nOptions:\n([\s\S]*)$/.exec(help)?.[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}((?:-\w, )?--[\w-]+| {4}--[\w-]+)(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && (m[2]!.trim() === '' || m[2]!.trim().startsWith('[')))
    .map((m) => m[1]!.trim());
}

describe('CLI conventions', () => {
  it('-h is --help, and a bare vps-rescue prints the help instead of an error', async () => {
    const long = await run(['--help']);
    const short = await run(['-h']);
    const bare = await run([]);
    expect(short).toEqual(long);
    expect(bare).toEqual(long);
    expect(bare.code).toBe(0);
    expect(bare.err).toBe('');
    for (const name of names) expect(bare.out).toContain(`vps-rescue ${name}`);
    const rescueShort = await run(['rescue', '-h']);
    expect(rescueShort.code).toBe(0);
    expect(rescueShort.out).toContain('--ssh-port');
  });

  it('every option of every command is described, in English and in Japanese', async () => {
    for (const lang of ['en', 'ja']) {
      for (const name of ['', ...names]) {
        const help = await run([...(name ? [name] : []), '--help', '--lang', lang]);
        expect(help.code).toBe(0);
        expect(help.out).toContain('--help');
        expect(undescribed(help.out), `${name || 'vps-rescue'} --help --lang ${lang}`).toEqual([]);
      }
    }
    const ja = (await run(['rescue', '--help', '--lang', 'ja'])).out;
    for (const option of [
      '--ssh-port',
      '--action',
      '--console-user',
      '--user-password-env',
      '--quiet',
      '--output',
    ]) {
      const line = ja.split('\n').find((l) => l.includes(`${option} `) || l.endsWith(option))!;
      expect(line, option).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
    // The check itself sees a bare option line.
    expect(
      undescribed('x\n\nOptions:\n      --ssh-port      [number] [default: 22]\n  -q, --quiet  Print less'),
    ).toEqual(['--ssh-port']);
  });

  it('--output json (-o json) is --json; --output text is the default', async () => {
    const viaJson = await run(['--json', '--token', 'x']);
    for (const argv of [['--output', 'json'], ['-o', 'json'], ['--output=json']]) {
      const r = await run([...argv, '--token', 'x']);
      expect(r.err, argv.join(' ')).toBe(viaJson.err);
      expect(JSON.parse(r.err)).toMatchObject({ ok: false, error: { code: 'usage.secret-on-argv' } });
    }
    const text = await run(['--output', 'text', '--token', 'x']);
    expect(text.err).toMatch(/^vps-rescue: .*\[usage\.secret-on-argv\]$/);
    const providers = JSON.parse((await run(['providers', '-o', 'json'])).out) as unknown[];
    expect(Array.isArray(providers) || typeof providers === 'object').toBe(true);
    const bad = await run(['providers', '--output', 'yaml']);
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.err).toMatch(/yaml.*\[usage\]$/);
  });

  it('-q/--quiet and -v/--verbose are known, and not both at once', async () => {
    for (const flag of ['-q', '--quiet', '-v', '--verbose']) {
      const r = await run(['providers', flag]);
      expect(r.code, flag).toBe(0);
      expect(r.out).toContain('conoha');
    }
    const both = await run(['providers', '-q', '-v']);
    expect(both.code).toBe(EXIT_CODES.usage);
    expect(both.err).toContain('--quiet and --verbose');
    expect((await run(['providers', '-q', '-v', '--lang', 'ja'])).err).toContain('同時に指定できません');
  });

  it('completion prints a script for bash, zsh and fish, and is never taken as a rescue', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.err).toBe('');
    expect(bash.out).toContain('complete -F _vps_rescue vps-rescue');
    for (const word of [...names, '--provider', '--host', '--ssh-port', '--output', 'conoha', 'hetzner']) {
      expect(bash.out).toContain(word);
    }
    expect(bash.out).not.toMatch(/--[qvoh]\b/);
    expect((await run(['completion', 'zsh'])).out).toMatch(/^autoload -U \+X bashcompinit && bashcompinit\n/);
    const fish = await run(['completion', 'fish']);
    expect(fish.out).toContain(
      'complete -c vps-rescue -f -n __fish_use_subcommand -a "rescue console providers',
    );
    expect(fish.out).toMatch(/-l provider -x -a "[^"]*conoha/);
    expect((await run(['completion'], { SHELL: '/usr/bin/fish' })).out).toBe(fish.out);
    expect((await run(['completion'], { SHELL: '/bin/bash' })).out).toBe(bash.out);
    const unknown = await run(['completion', 'tcsh']);
    expect(unknown.code).toBe(EXIT_CODES.usage);
  });

  it('the committed man page is the one generated from the help (npm run man)', async () => {
    const committed = readFileSync(new URL('../../man/vps-rescue.1', import.meta.url), 'utf8');
    const page = await renderManPage();
    expect(committed).toBe(page);
    expect(page).toMatch(/^\.TH VPS-RESCUE 1 /);
    for (const option of [
      'ssh\\-port',
      'console\\-user',
      'user\\-password\\-env',
      'quiet',
      'verbose',
      'output',
    ]) {
      expect(page.split('\n').some((l) => l.startsWith('.B ') && l.endsWith(`\\-\\-${option}`))).toBe(true);
    }
    for (const name of names) expect(page).toContain(`.B vps\\-rescue ${name}`);
  });
});

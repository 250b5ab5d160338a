import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type FileSpec, type LabServer } from '../../lab/index.js';
import { ConsoleSession } from '../../src/console/session.js';
import { labDescribe } from '../support/lab-guard.js';
import { shellsOnConsole } from './console-shells.js';

/**
 * zsh as the console's shell: a customer's login shell, and the root shell a rescue system such as
 * Finnix offers. Its prompt machinery differs from bash's (a right-hand prompt drawn after the
 * prompt, precmd hooks, the PROMPT_SP marker after output without a newline); the console engine
 * must still find the login's prompt and then its own, read output and exit codes, upload a script and log out. This machine's zsh (the same
 * Debian release as the lab image) is copied in, with its modules and Debian's /etc/zsh.
 */
const ERIN_PW = 'CANARY-erin-2c7d19';
const ZSH_MODULES = '/usr/lib/x86_64-linux-gnu/zsh';

function filesUnder(dir: string): FileSpec[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return [{ path, content: readFileSync(path), mode: statSync(path).mode & 0o777 }];
  });
}

/**
 * A prompt setup as people write it: the exit code in the prompt (as Finnix shows it), a right-hand
 * prompt with the time, a precmd hook.
 */
const ZSHRC = [
  "PROMPT='%(?..[%?] )%n@%m %~ %# '",
  "RPROMPT='[%?] %T'",
  'setopt PROMPT_SP PROMPT_SUBST',
  'precmd() { print -Pn "\\e]0;%n@%m\\a" }',
  '',
].join('\n');

labDescribe('console engine on a zsh login shell', () => {
  let server: LabServer;
  let session: ConsoleSession | undefined;

  beforeAll(async () => {
    server = await createServer({
      hostname: 'zsh01',
      users: [{ name: 'erin', password: ERIN_PW, shell: '/usr/bin/zsh', groups: ['sudo'] }],
      files: [
        { path: '/usr/bin/zsh', content: readFileSync('/usr/bin/zsh'), mode: 0o755 },
        ...filesUnder(ZSH_MODULES),
        ...filesUnder('/etc/zsh'),
        { path: '/home/erin/.zshrc', content: ZSHRC, mode: 0o644, owner: 'erin:erin' },
        { path: '/root/.zshrc', content: ZSHRC, mode: 0o644 },
      ],
      commands: ['usermod -s /usr/bin/zsh root'],
    });
    await server.console.waitFor(/login: $/m, 60_000);
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await server?.destroy();
  });

  it('logs in, becomes root through sudo (zsh again), runs commands and a script, and logs out', async () => {
    session = await ConsoleSession.open({ kind: 'local', url: `unix:${server.consoleSocket}` });
    const login = await session.login({ user: 'erin', password: ERIN_PW });
    expect(login.uid).toBe(0);
    expect(login.shell).toMatch(/zsh$/);
    expect(await session.run('echo $((6*7)); false')).toEqual({ stdout: '42\n', exitCode: 1 });
    // Output without a final newline: zsh's PROMPT_SP would mark it; the engine reads it as it is.
    expect(await session.run("printf 'no newline'")).toEqual({ stdout: 'no newline', exitCode: 0 });
    const lines = await session.run('for i in {1..300}; do echo "line $i"; done');
    expect(lines.stdout.trimEnd().split('\n')).toEqual(
      Array.from({ length: 300 }, (_, i) => `line ${i + 1}`),
    );
    const script = await session.runScript({
      path: '/root/zsh-check.sh',
      data: 'echo "script as $(id -un)"; exit 4\n',
      before: 'true',
    });
    expect(script).toMatchObject({ stdout: 'script as root\n', exitCode: 4 });
    await session.close({ logout: true });
    session = undefined;
    expect(await shellsOnConsole(server)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { setUpShell } from '../../../src/console/root.js';
import type { CommandRunner } from '../../../src/console/runner.js';

/** A runner whose setup answers the shell query as a server would. */
function answering(out: string, screenRows?: number): CommandRunner {
  return { setup: () => Promise.resolve(out), screenRows, encoding: 'base64' } as unknown as CommandRunner;
}

describe('how uploads are typed into a shell', () => {
  it('Z85 where basenc is there and the shell types `!` into a here-document as it is', async () => {
    for (const shell of ['-bash', 'bash', '-sh', 'dash', '/bin/ash', 'ksh']) {
      const runner = answering(`0\nroot\n${shell}\n/usr/bin/basenc\n`);
      expect(await setUpShell(runner, {})).toMatchObject({ uid: 0, user: 'root', shell });
      expect(runner.encoding, shell).toBe('z85');
    }
  });

  it('base64 without basenc, under zsh, and on a screen console', async () => {
    const cases = [
      answering('0\nroot\n-bash\n'),
      answering('0\nroot\n-zsh\n/usr/bin/basenc\n'),
      answering('0\nroot\n-bash\n/usr/bin/basenc\n', 25),
    ];
    for (const runner of cases) {
      await setUpShell(runner, {});
      expect(runner.encoding).toBe('base64');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/main.js';
import { RescueError } from '../../../src/errors/rescue-error.js';

describe('an error names the cause first; what else may help follows on its own lines', () => {
  const err = new RescueError(
    'console.login-failed',
    { user: 'root' },
    { hints: ['VNC console: no VNC port configured', 'guest agent commands: not offered'] },
  );

  it('in text: the cause line with its code, then one indented line per hint', () => {
    expect(formatError(err, { lang: 'en', json: false, debug: false }).split('\n')).toEqual([
      'vps-rescue: login as root on the console was refused (wrong user name or password) [console.login-failed]',
      '  VNC console: no VNC port configured',
      '  guest agent commands: not offered',
    ]);
  });

  it('in JSON: the hints as a list next to the code', () => {
    const doc = JSON.parse(formatError(err, { lang: 'en', json: true, debug: false })) as {
      error: { code: string; hints: string[] };
    };
    expect(doc.error.code).toBe('console.login-failed');
    expect(doc.error.hints).toHaveLength(2);
  });

  it('in Japanese: full-width brackets and colons in the sentence', () => {
    const line = formatError(err, { lang: 'ja', json: false, debug: false }).split('\n')[0];
    expect(line).toBe(
      'vps-rescue: コンソールで root としてのログインが拒否されました\uff08ユーザー名またはパスワードの誤り\uff09 [console.login-failed]',
    );
  });
});

import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { StreamTransport } from '../../../src/console/transport/local.js';

/**
 * A real interactive shell behind a real pty (util-linux `script` allocates it), as a Duplex:
 * readline echo, line discipline and prompts behave as on a console.
 */
export function spawnShellStream(shell = 'bash --norc --noprofile -i'): { stream: Duplex; kill: () => void } {
  const child = spawn('script', ['-qfec', shell, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH, HOME: '/tmp', TERM: 'vt100', PS1: 'user@fake:~$ ', LANG: 'C' },
  });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  stream.on('error', () => {});
  return { stream, kill: () => child.kill('SIGKILL') };
}

export interface FakeGettyOptions {
  host?: string;
  users: Record<string, string>;
  /** Text shown after a correct password for this user instead of starting a shell. */
  refuse?: Record<string, string>;
  shell?: string;
}

/**
 * An in-process getty + login in front of a real shell: prints the Debian banner and `<host> login: `,
 * echoes the user name, asks `Password: ` without echo, answers `Login incorrect`, and on success
 * hands the line over to a real bash in a pty. Records every password it was given.
 */
export function fakeGetty(opts: FakeGettyOptions) {
  const host = opts.host ?? 'fake';
  const toClient = new PassThrough();
  const fromClient = new PassThrough();
  const passwordsSeen: string[] = [];
  let mode: 'user' | 'password' | 'shell' = 'user';
  let line = '';
  let user = '';
  let shell: ReturnType<typeof spawnShellStream> | undefined;
  const say = (text: string) => toClient.write(text);
  const banner = () => say(`\r\nDebian GNU/Linux 12 ${host} console\r\n\r\n${host} login: `);
  fromClient.on('data', (chunk: Buffer) => {
    if (mode === 'shell') {
      shell!.stream.write(chunk);
      return;
    }
    for (const ch of chunk.toString('utf8')) {
      if (ch === '\r' || ch === '\n') {
        say('\r\n');
        if (mode === 'user') {
          if (line === '') banner();
          else {
            user = line;
            mode = 'password';
            say('Password: ');
          }
        } else {
          passwordsSeen.push(line);
          if (opts.users[user] !== undefined && opts.users[user] === line) {
            const refusal = opts.refuse?.[user];
            if (refusal) {
              say(refusal);
              mode = 'user';
              banner();
            } else {
              mode = 'shell';
              shell = spawnShellStream(opts.shell);
              shell.stream.on('data', (d: Buffer) => toClient.write(d));
            }
          } else {
            say('\r\nLogin incorrect\r\n');
            mode = 'user';
            banner();
          }
        }
        line = '';
      } else if (ch === '\x15' || ch === '\x03') {
        line = '';
      } else {
        line += ch;
        if (mode === 'user') say(ch);
      }
    }
  });
  const stream = Duplex.from({ readable: toClient, writable: fromClient });
  return {
    stream,
    passwordsSeen,
    start: banner,
    transport: () => new StreamTransport(stream, 'fake:getty'),
    kill: () => shell?.kill(),
  };
}

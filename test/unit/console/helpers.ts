import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { StreamTransport } from '../../../src/console/transport/local.js';

/**
 * A real interactive shell behind a real pty (util-linux `script` allocates it), as a Duplex:
 * readline echo, line discipline and prompts behave as on a console.
 */
export function spawnShellStream(shell = 'bash --norc --noprofile -i'): {
  stream: Duplex;
  kill: () => void;
  onExit: (listener: () => void) => void;
} {
  const child = spawn('script', ['-qfec', shell, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH, HOME: '/tmp', TERM: 'vt100', PS1: 'user@fake:~$ ', LANG: 'C' },
  });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  stream.on('error', () => {});
  return { stream, kill: () => child.kill('SIGKILL'), onExit: (listener) => child.once('exit', listener) };
}

export interface FakeGettyOptions {
  host?: string;
  users: Record<string, string>;
  /** Text shown after a correct password for this user instead of starting a shell. */
  refuse?: Record<string, string>;
  shell?: string;
  /** A broken terminal that echoes the password (the transcript must still mask it). */
  echoPassword?: boolean;
  /** Start with a half-typed login: someone else's user name was entered, Password: is showing. */
  startAtPassword?: boolean;
}

/**
 * An in-process getty + login in front of a real shell: prints the Debian banner and `<host> login: `,
 * echoes the user name, asks `Password: ` without echo, answers `Login incorrect`, and on success
 * hands the line over to a real bash in a pty. Records every password it was given.
 */
export function fakeGetty(opts: FakeGettyOptions) {
  const host = opts.host ?? 'fake';
  // Clients come and go (reconnects); the "serial line" stays.
  const clients = new Set<PassThrough>();
  const toClient = { write: (data: string | Buffer) => clients.forEach((c) => c.write(data)) };
  const fromClient = new PassThrough();
  const passwordsSeen: string[] = [];
  const hooks = new Set<{ when: RegExp; text: string }>();
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
              const opened = spawnShellStream(opts.shell);
              shell = opened;
              // The shell ends (exit, logout): getty's prompt comes back, as on a real console.
              opened.onExit(() => {
                if (shell !== opened) return;
                shell = undefined;
                mode = 'user';
                setTimeout(banner, 50);
              });
              shell.stream.on('data', (d: Buffer) => {
                toClient.write(d);
                for (const hook of [...hooks]) {
                  if (hook.when.test(d.toString('latin1'))) {
                    hooks.delete(hook);
                    toClient.write(hook.text);
                  }
                }
              });
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
        if (mode === 'user' || opts.echoPassword) say(ch);
      }
    }
  });
  const connect = () => {
    const out = new PassThrough();
    clients.add(out);
    const input = new PassThrough();
    input.on('data', (d: Buffer) => fromClient.write(d));
    const stream = Duplex.from({ readable: out, writable: input });
    stream.on('close', () => clients.delete(out));
    stream.on('error', () => clients.delete(out));
    return stream;
  };
  return {
    passwordsSeen,
    /** What a fresh getty prints, to the clients connected now. */
    start: () => {
      if (opts.startAtPassword) {
        user = 'mallory';
        mode = 'password';
        say(`\r\nDebian GNU/Linux 12 ${host} console\r\n\r\n${host} login: mallory\r\nPassword: `);
      } else banner();
    },
    /** A new client connection to the same console (reconnects see no history, as on a real proxy). */
    connect,
    transport: () => new StreamTransport(connect(), 'fake:getty'),
    /** Print `text` (e.g. a kernel message) right after the shell prints something matching `when`. */
    injectAfter: (when: RegExp, text: string) => hooks.add({ when, text }),
    /** Print `text` now, as if the kernel wrote to the console. */
    inject: (text: string) => toClient.write(text),
    kill: () => shell?.kill(),
  };
}

import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { consoleIo } from '../../../src/cli/commands/console.js';

/** A unix-socket console that greets with a login prompt, and `console` run against it on a fake terminal. */
async function consoleOnSocket(extra: string[]) {
  const path = join(mkdtempSync(join(tmpdir(), 'vr-cli-')), 'console.sock');
  const received: string[] = [];
  const server = net.createServer((socket) => {
    socket.write('web01 login: ');
    socket.on('data', (d: Buffer) => received.push(d.toString()));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const input = new PassThrough();
  const output = new PassThrough();
  const shown: string[] = [];
  output.on('data', (d: Buffer) => shown.push(d.toString()));
  consoleIo.get = () => ({ input, output });
  const err: string[] = [];
  const running = main(['console', '--connect', `unix:${path}`, ...extra], {
    stderr: (t) => err.push(t),
    stdout: () => {},
  });
  return { server, received, input, shown, err, running };
}

describe('vps-rescue console --connect', () => {
  it('passes a unix-socket console through to the terminal until Ctrl-]', async () => {
    const { server, received, input, shown, err, running } = await consoleOnSocket([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    input.write('root\r\x1d');
    expect(await running).toBe(0);
    await vi.waitFor(() => expect(received.join('')).toBe('root\r'));
    expect(shown.join('')).toBe('web01 login: ');
    expect(err.join('\n')).toContain('Ctrl-]');
    server.close();
  });

  it('without a URL is a usage error', async () => {
    const err: string[] = [];
    expect(await main(['console'], { stderr: (t) => err.push(t), stdout: () => {}, env: {} })).toBe(2);
    expect(err.join('')).toContain('--connect');
  });
});

describe('vps-rescue console --watch and --provider', () => {
  it('--watch shows the console and sends nothing typed; Ctrl-C ends it', async () => {
    const { server, received, input, shown, err, running } = await consoleOnSocket(['--watch']);
    await vi.waitFor(() => expect(shown.join('')).toBe('web01 login: '));
    input.write('root\r');
    input.write('x\x03');
    expect(await running).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.join('')).toBe('');
    expect(err.join('\n')).toContain('read-only');
    server.close();
  });

  it('--provider needs --host, and cannot be given with --connect', async () => {
    const err: string[] = [];
    const io = { stderr: (t: string) => err.push(t), stdout: () => {}, env: {} };
    expect(await main(['console', '--provider', 'conoha'], io)).toBe(2);
    expect(err.pop()).toContain('--host');
    expect(await main(['console', '--provider', 'conoha', '--connect', 'unix:/x', '--host', 'a'], io)).toBe(
      2,
    );
    expect(err.pop()).toContain('not both');
    expect(await main(['console', '--provider', 'conoha', '--host', '203.0.113.10'], io)).toBe(3);
    expect(err.pop()).toContain('[config.missing-credentials]');
  });
});

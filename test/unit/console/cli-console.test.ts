import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { consoleIo } from '../../../src/cli/commands/console.js';

describe('vps-rescue console --connect', () => {
  it('passes a unix-socket console through to the terminal until Ctrl-]', async () => {
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
    const running = main(['console', '--connect', `unix:${path}`], {
      stderr: (t) => err.push(t),
      stdout: () => {},
    });
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

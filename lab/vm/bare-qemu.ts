import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeVncDisplay, waitForPort } from './ports.js';

export interface BareQemu {
  /** Plain RFB on 127.0.0.1 (5900 + display). */
  vncPort: number;
  /** The VNC password QEMU asks for (8 characters: VNC auth uses no more). */
  password: string;
  readonly running: boolean;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * A QEMU with no disk, no kernel and no network: SeaBIOS draws its boot screen in VGA text mode and
 * ends at "No bootable device". A real VNC server in seconds, without the lab VM image, for tests of
 * everything in front of a VNC console. The password reaches QEMU through a 0600 secret file, never argv.
 */
export async function startBareQemu(opts: { password?: string } = {}): Promise<BareQemu> {
  const password = opts.password ?? randomBytes(6).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'vps-rescue-bare-qemu-'));
  const secretFile = join(dir, 'vnc-password');
  await writeFile(secretFile, password, { mode: 0o600 });
  const display = await freeVncDisplay();
  const args = [
    '-nodefaults',
    '-no-user-config',
    '-accel',
    'tcg',
    '-m',
    '64',
    '-vga',
    'std',
    '-display',
    'none',
    '-object',
    `secret,id=vncpw,file=${secretFile}`,
    '-vnc',
    `127.0.0.1:${display},password-secret=vncpw`,
    '-nic',
    'none',
    '-monitor',
    'none',
    '-serial',
    'none',
  ];
  let stderr = '';
  const proc: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const isRunning = () => proc.exitCode === null && proc.signalCode === null;
  const stop = async () => {
    if (isRunning()) {
      proc.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const vncPort = 5900 + display;
  try {
    await waitForPort(
      vncPort,
      20_000,
      () => isRunning(),
      () => stderr,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    vncPort,
    password,
    get running() {
      return isRunning();
    },
    stderr: () => stderr,
    stop,
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LAB_STATE } from '../paths.js';
import { runChecked } from '../run.js';
import { buildSetup, SETUP_DIR } from '../setup-script.js';
import type { ServerSpec } from '../spec.js';
import { ensureVmImage } from './image.js';
import { freePort, freeVncDisplay, waitForPort } from './ports.js';

export type GuestKeymap = 'us' | 'jp106';
/** QEMU's own VNC keymap (-k), used for plain (non-extended) key events. */
export type QemuKeymap = 'en-us' | 'ja';

export interface VmOptions extends ServerSpec {
  /** The guest console's keyboard layout (default us). */
  keymap?: GuestKeymap;
  /** A console-setup font loaded with setfont at boot, e.g. Lat15-Terminus16; default: none. */
  font?: string;
  /** 'text': VGA text mode 720×400 (nomodeset); 'fb': the DRM framebuffer console. */
  display?: 'text' | 'fb';
  /** QEMU's -k keymap; default none (extended key events then go to the guest as scancodes). */
  qemuKeymap?: QemuKeymap;
  /** Require VNC auth with this password (Hetzner-style request_console). */
  vncPassword?: string;
  /**
   * QEMU's VNC `key-delay-ms`: the pause it puts after every key down and key up event it passes to
   * the guest (QEMU's default, 10 ms, is what providers run; the lab keeps it unless told otherwise).
   */
  keyDelayMs?: number;
  log?: (line: string) => void;
}

let serial = 0;

/**
 * A lab VPS as a real VM: QEMU (software emulation), the lab's Debian disk with the scenario applied,
 * its console only on VNC (127.0.0.1, plain and websocket), sshd reachable through a loopback port
 * forward. Networking is QEMU's user mode with restrict=on: the guest reaches nothing outside.
 */
export class LabVm {
  private proc?: ChildProcess;
  private exited?: Promise<void>;
  private destroyed = false;
  stderr = '';

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly vncPort: number,
    readonly websocketPort: number,
    readonly sshPort: number,
    readonly options: VmOptions,
  ) {}

  /** ws://127.0.0.1:P, QEMU's own RFB-over-websocket endpoint. */
  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.websocketPort}`;
  }

  get monitorSocket(): string {
    return join(this.dir, 'monitor.sock');
  }

  static async create(opts: VmOptions = {}): Promise<LabVm> {
    const image = await ensureVmImage(opts.log);
    const display = await freeVncDisplay();
    const name = `vm-${process.pid}-${serial++}`;
    const dir = join(LAB_STATE, 'vms', name);
    const vm = new LabVm(name, dir, 5900 + display, await freePort(), await freePort(), opts);
    try {
      await mkdir(dir, { recursive: true });
      await vm.makeDisk(image.root);
      vm.start(image.kernel, image.initrd, display);
      await waitForPort(
        vm.websocketPort,
        20_000,
        () => vm.running,
        () => vm.stderr,
      );
      if (opts.vncPassword !== undefined) await vm.monitor(`set_password vnc ${opts.vncPassword}`);
    } catch (err) {
      await vm.destroy();
      throw err;
    }
    return vm;
  }

  /** The disk: a copy of the image tree with the scenario applied in a chroot, packed by mkfs.ext4 -d. */
  private async makeDisk(imageRoot: string): Promise<void> {
    const root = join(this.dir, 'root');
    await runChecked('cp', ['-a', '--reflink=auto', imageRoot, root], { timeoutMs: 300_000 });
    const plan = buildSetup(this.options, { hostname: this.options.hostname ?? 'vps', address: '0.0.0.0' });
    const setup = join(root, SETUP_DIR.slice(1));
    await mkdir(join(setup, 'files'), { recursive: true });
    await writeFile(join(setup, 'setup.sh'), plan.script);
    await Promise.all(plan.payloads.map((data, i) => writeFile(join(setup, 'files', String(i)), data)));
    await runChecked('chroot', [root, '/bin/sh', `${SETUP_DIR}/setup.sh`], { timeoutMs: 120_000 });
    await rm(setup, { recursive: true, force: true });
    await runChecked('mkfs.ext4', ['-q', '-F', '-d', root, join(this.dir, 'disk.img'), '3G'], {
      timeoutMs: 300_000,
    });
    await rm(root, { recursive: true, force: true });
  }

  private start(kernel: string, initrd: string, display: number): void {
    const o = this.options;
    const cmdline = [
      'root=/dev/vda',
      'rw',
      'quiet',
      'consoleblank=0',
      `vpslab.keymap=${o.keymap ?? 'us'}`,
      ...(o.font ? [`vpslab.font=${o.font}`] : []),
      ...((o.display ?? 'text') === 'text' ? ['nomodeset'] : []),
    ].join(' ');
    const vnc = [
      `127.0.0.1:${display}`,
      `websocket=127.0.0.1:${this.websocketPort}`,
      ...(o.vncPassword !== undefined ? ['password=on'] : []),
      ...(o.keyDelayMs !== undefined ? [`key-delay-ms=${o.keyDelayMs}`] : []),
    ].join(',');
    const args = [
      '-accel',
      'tcg',
      '-m',
      '768',
      '-smp',
      '1',
      '-nodefaults',
      '-no-user-config',
      '-vga',
      'std',
      '-display',
      'none',
      '-vnc',
      vnc,
      // Without -k QEMU honours the scancodes of extended key events (modern OpenStack passes none);
      // with -k it maps keysyms through that keymap even for extended events.
      ...(o.qemuKeymap ? ['-k', o.qemuKeymap] : []),
      '-nic',
      `user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:${this.sshPort}-:22`,
      '-drive',
      `file=${join(this.dir, 'disk.img')},format=raw,if=virtio`,
      '-kernel',
      kernel,
      '-initrd',
      initrd,
      '-append',
      cmdline,
      '-monitor',
      `unix:${this.monitorSocket},server=on,wait=off`,
      '-serial',
      'null',
    ];
    const proc = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** One QEMU human-monitor command (e.g. set_password); waits until QEMU has read it. */
  async monitor(command: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await new Promise<string>((resolve, reject) => {
          const sock = connect(this.monitorSocket);
          let out = '';
          sock.on('data', (b) => {
            out += b.toString();
            if (out.includes('(qemu)') && !out.includes('__sent__')) {
              out += '__sent__';
              sock.write(`${command}\n`);
              setTimeout(() => sock.end(), 300);
            }
          });
          sock.on('close', () => resolve(out));
          sock.on('error', reject);
        });
      } catch (err) {
        if (Date.now() > deadline || !this.running) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.running) {
      this.proc!.kill('SIGKILL');
      await this.exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

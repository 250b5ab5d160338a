import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { leaseAddress, type Lease } from './addresses.js';
import { childrenOf, comm, killMachine } from './processes.js';
import { raiseHostLimits } from './host-limits.js';
import { ConsoleStream } from './console-stream.js';
import { DEFAULT_SUITE, ensureImage, type Suite } from './image.js';
import { type Flavour } from './flavours.js';
import { flavourByName, type FlavourName } from './flavour-names.js';
import { serversDir } from './paths.js';
import { run, type RunResult } from './run.js';
import { buildSetup, SETUP_DIR } from './setup-script.js';
import { sq } from './shell.js';
import type { ServerSpec } from './spec.js';
import { sshLogin, type SshLoginOptions, type SshLoginResult } from './ssh-login.js';

export { comm, descendants } from './processes.js';

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
let serial = 0;

export interface CreateOptions extends ServerSpec {
  /** Wait for sshd to listen before returning (default true); scenarios where sshd is down say false. */
  waitForSshd?: boolean;
  log?: (line: string) => void;
  /**
   * Listen on this loopback address instead of a leased one; the caller holds it (a rescue system
   * answers on the address of the server it stands in for, which is stopped meanwhile).
   */
  address?: string;
  /**
   * Another (stopped) server's root filesystem, mounted read-write at `at` inside this one, the way a
   * rescue system sees the server's disk: the same overlay layers the server boots from.
   */
  disk?: { layers: OverlayLayers; at: string };
  /** A server kind other than stock Debian (lab/flavour-names.ts); default Debian. */
  flavour?: FlavourName;
  /** What the console shows once getty is up (default a login prompt; an autologin shows no prompt). */
  consoleReady?: RegExp;
}

/** The layers of a lab server's root filesystem: the cached image and the server's own changes. */
export interface OverlayLayers {
  lower: string;
  upper: string;
  work: string;
}

/** Mounts an overlay; tries again briefly, as the previous user of the layers may still be unmounting. */
function overlayMount(layers: OverlayLayers, at: string): string {
  const opts = sq(`lowerdir=${layers.lower},upperdir=${layers.upper},workdir=${layers.work}`);
  return `i=0; until mount -t overlay overlay -o ${opts} ${sq(at)}; do i=$((i+1)); [ $i -lt 20 ] || exit 96; sleep 0.5; done`;
}

/**
 * One throwaway Debian server: its own copy-on-write overlay over the cached image, booted with
 * systemd-nspawn (real systemd, journald, sshd on 127.0.1.N:22), its /dev/console on a host pty.
 */
export class LabServer {
  readonly console: ConsoleStream;
  private proc?: ChildProcess;
  private exited?: Promise<void>;
  private destroyed = false;
  private serving = false;
  private image = '';
  private flavour?: Flavour;
  private consoleReady = /login: $/m;

  private constructor(
    readonly name: string,
    readonly suite: Suite,
    readonly address: string,
    readonly dir: string,
    private readonly lease: Lease,
  ) {
    this.console = new ConsoleStream((data) => this.proc?.stdin?.write(data));
  }

  get consoleSocket(): string {
    return join(this.dir, 'console.sock');
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  static async create(opts: CreateOptions = {}): Promise<LabServer> {
    const flavour = flavourByName(opts.flavour);
    const suite = flavour?.suite ?? opts.suite ?? DEFAULT_SUITE;
    const image = flavour ? await flavour.image(opts.log) : await ensureImage(suite, opts.log);
    await raiseHostLimits();
    const lease: Lease = opts.address
      ? { index: Number(opts.address.split('.').pop()), address: opts.address, release: async () => {} }
      : await leaseAddress();
    const name = `lab-${lease.index}-${process.pid}-${serial++}`;
    const dir = join(serversDir(), name);
    const server = new LabServer(name, suite, lease.address, dir, lease);
    server.flavour = flavour;
    if (opts.consoleReady) server.consoleReady = opts.consoleReady;
    try {
      await server.prepare(image, opts);
      await server.boot();
      await server.waitUntilUp(opts.waitForSshd ?? true, 0);
    } catch (err) {
      const tail = server.console.text().slice(-1500);
      await server.destroy();
      throw new Error(
        `lab server ${name} did not come up: ${(err as Error).message}\n--- console ---\n${tail}`,
      );
    }
    return server;
  }

  /** The layers this server boots from (kept while it is stopped). */
  get layers(): OverlayLayers {
    return { lower: this.image, upper: join(this.dir, 'upper'), work: join(this.dir, 'work') };
  }

  private async prepare(image: string, spec: CreateOptions): Promise<void> {
    this.image = image;
    const upper = join(this.dir, 'upper');
    await mkdir(join(upper, SETUP_DIR.slice(1), 'files'), { recursive: true });
    await mkdir(join(this.dir, 'work'), { recursive: true });
    await mkdir(join(this.dir, 'merged'), { recursive: true });
    const plan = (this.flavour?.setup ?? buildSetup)(spec, {
      hostname: spec.hostname ?? 'vps',
      address: this.address,
    });
    await writeFile(join(upper, SETUP_DIR.slice(1), 'setup.sh'), plan.script);
    await Promise.all(
      plan.payloads.map((data, i) => writeFile(join(upper, SETUP_DIR.slice(1), 'files', String(i)), data)),
    );
    const merged = join(this.dir, 'merged');
    // Runs in a private mount namespace: the overlay disappears with the last process, whatever happens.
    const disk = join(this.dir, 'disk');
    if (spec.disk) await mkdir(disk, { recursive: true });
    const runScript = [
      'set -e',
      overlayMount(this.layers, merged),
      // The first boot only: a server started again keeps what it has.
      `if [ -e ${sq(merged + SETUP_DIR)}/setup.sh ]; then`,
      `if ! chroot ${sq(merged)} /bin/sh ${SETUP_DIR}/setup.sh > ${sq(join(this.dir, 'setup.log'))} 2>&1; then`,
      `  echo LAB-SETUP-FAILED; cat ${sq(join(this.dir, 'setup.log'))}; exit 97`,
      'fi',
      `rm -rf ${sq(merged + SETUP_DIR)}`,
      'fi',
      ...(spec.disk ? [overlayMount(spec.disk.layers, disk)] : []),
      'stty raw -echo 2>/dev/null || true',
      // nspawn exits 133 when the machine reboots: boot it again on the same overlay and console.
      'while :; do',
      `  rc=0; systemd-nspawn --quiet --register=no --keep-unit --link-journal=no --boot --machine=${sq(this.name)} -D ${sq(merged)}${spec.disk ? ` --bind=${sq(`${disk}:${spec.disk.at}`)}` : ''} || rc=$?`,
      '  [ "$rc" -eq 133 ] || exit "$rc"',
      'done',
    ].join('\n');
    await writeFile(join(this.dir, 'run.sh'), `${runScript}\n`);
  }

  private async boot(): Promise<void> {
    // `script` gives nspawn a pty as its terminal, so the container's console is a real tty.
    const proc = spawn(
      'script',
      ['-qfec', `exec unshare -m --propagation private sh ${sq(join(this.dir, 'run.sh'))}`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    );
    this.proc = proc;
    proc.stdout!.on('data', (data: Buffer) => this.console.push(data));
    proc.stderr!.on('data', (data: Buffer) => this.console.push(data));
    proc.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await writeFile(join(this.dir, 'pid'), String(proc.pid));
    await writeFile(join(this.dir, 'owner'), String(process.pid));
    if (!this.serving) await this.console.serve(this.consoleSocket);
    this.serving = true;
  }

  private async waitUntilUp(waitForSshd: boolean, since: number): Promise<void> {
    const failed = this.exited!.then(() => {
      throw new Error('the server process exited during boot');
    });
    await Promise.race([this.console.waitFor(this.consoleReady, 90_000, since), failed]);
    if (this.flavour && !this.flavour.systemd) {
      // No systemd to ask: the boot is over when getty prompts and the init script's sshd listens.
      if (waitForSshd) await Promise.race([this.waitForSshd(20_000), failed]);
      return;
    }
    // getty can print its prompt before boot has finished (pam_nologin still refuses users, journald
    // and sshd still starting): a server counts as up when systemd says the boot is over.
    await Promise.race([this.exec('systemctl is-system-running --wait', { timeoutMs: 90_000 }), failed]);
    // On a heavily loaded host systemd-user-sessions.service sometimes fails at boot, which leaves
    // /run/nologin in place; a real server's admin would start it again, and so does the lab.
    const userSessions =
      'test ! -e /run/nologin || { systemctl is-failed -q systemd-user-sessions.service && systemctl restart systemd-user-sessions.service; test ! -e /run/nologin; }';
    await Promise.race([this.waitFor(userSessions, 30_000, 'boot to allow user logins'), failed]);
    if (!waitForSshd) return;
    await Promise.race([this.waitForSshd(20_000), failed]);
  }

  /** Polls a shell condition in the server until it holds. */
  async waitFor(condition: string, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.exec(condition)).code !== 0) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves when sshd accepts TCP connections on the server's address. */
  async waitForSshd(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.exec(
        this.flavour?.sshdListening(this.address) ?? `ss -Hltn 'sport = :22' | grep -qF ${sq(this.address)}`,
      );
      if (r.code === 0) return;
      if (Date.now() > deadline) throw new Error(`sshd did not listen on ${this.address}:22`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** PID (host view) of the container's init, found afresh because a reboot replaces it. */
  async leaderPid(): Promise<number> {
    const queue = this.proc?.pid ? [this.proc.pid] : [];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      for (const child of await childrenOf(pid)) {
        if (
          (await comm(pid)) === 'systemd-nspawn' &&
          (await comm(child)) === (this.flavour?.init ?? 'systemd')
        )
          return child;
        queue.push(child);
      }
    }
    throw new Error(`lab server ${this.name} is not running`);
  }

  /**
   * Runs a shell command as root inside the server through the lab's own back door (nsenter).
   * For setting up and checking only: the product never gets this.
   */
  async exec(
    command: string,
    opts: { input?: string | Buffer; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const pid = await this.leaderPid();
    return run(
      'nsenter',
      [
        '-t',
        String(pid),
        '-m',
        '-u',
        '-i',
        '-p',
        '-r',
        '-w',
        '--',
        '/usr/bin/env',
        '-i',
        PATH,
        'HOME=/root',
        'LANG=C.UTF-8',
        '/bin/sh',
        '-c',
        command,
      ],
      { input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 },
    );
  }

  async execChecked(command: string, opts: { input?: string | Buffer } = {}): Promise<string> {
    const r = await this.exec(command, opts);
    if (r.code !== 0) throw new Error(`lab exec failed (${r.code}): ${command}\n${r.stderr}`);
    return r.stdout;
  }

  async readFile(path: string): Promise<Buffer> {
    return Buffer.from(await this.execChecked(`base64 -w0 < ${sq(path)}`), 'base64');
  }

  async writeFile(
    path: string,
    data: string | Buffer,
    opts: { mode?: number; owner?: string } = {},
  ): Promise<void> {
    const steps = [`cat > ${sq(path)}`];
    if (opts.owner) steps.push(`chown ${sq(opts.owner)} ${sq(path)}`);
    if (opts.mode !== undefined) steps.push(`chmod ${opts.mode.toString(8)} ${sq(path)}`);
    await this.execChecked(steps.join(' && '), { input: data });
  }

  sshLogin(opts: SshLoginOptions): Promise<SshLoginResult> {
    return sshLogin(this.address, opts);
  }

  /** sshd's journal lines (the daemon and its per-connection processes, whatever their tag). */
  async sshdLog(): Promise<string[]> {
    const out = await this.execChecked(
      this.flavour?.sshdLog ??
        'journalctl --no-pager -o short -t sshd -t sshd-session -t sshd-auth -u ssh.service 2>/dev/null || true',
    );
    return out.split('\n').filter((l) => l && !l.startsWith('-- '));
  }

  /** Reboots the machine from inside and waits for the new boot's login prompt. */
  async reboot(timeoutMs = 90_000): Promise<void> {
    const since = this.console.length;
    const before = await this.leaderPid();
    await this.exec(this.flavour?.reboot ?? 'systemctl reboot');
    const deadline = Date.now() + timeoutMs;
    while ((await this.leaderPid().catch(() => before)) === before) {
      if (Date.now() > deadline) throw new Error('reboot did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.console.waitFor(/login: $/m, timeoutMs, since);
  }

  /** Powers the machine off hard (a reset's first half): its processes and mounts go, its disk stays. */
  async stop(): Promise<void> {
    if (this.destroyed) return;
    await this.kill();
    this.proc = undefined;
  }

  /** Boots the machine again from the disk it kept; waits as create() does. */
  async start(opts: { waitForSshd?: boolean } = {}): Promise<void> {
    if (this.destroyed) throw new Error(`lab server ${this.name} was destroyed`);
    if (this.proc) throw new Error(`lab server ${this.name} is running`);
    const since = this.console.length;
    await this.boot();
    await this.waitUntilUp(opts.waitForSshd ?? true, since);
  }

  /**
   * Powers the machine off, empties its own overlay layer and boots the image again with a new spec,
   * on the same address and console: one server serves a run of cases, each from a clean disk.
   */
  async reset(spec: CreateOptions): Promise<void> {
    if (this.destroyed) throw new Error(`lab server ${this.name} was destroyed`);
    await this.stop();
    await rm(join(this.dir, 'upper'), { recursive: true, force: true });
    await rm(join(this.dir, 'work'), { recursive: true, force: true });
    const since = this.console.length;
    await this.prepare(this.image, spec);
    await this.boot();
    await this.waitUntilUp(spec.waitForSshd ?? true, since);
  }

  /** Kills the machine and removes every trace: processes, mounts (private namespace), overlay, socket. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.kill();
    await this.console.close();
    await rm(this.dir, { recursive: true, force: true });
    await this.lease.release();
  }

  private async kill(): Promise<void> {
    const leader = await this.leaderPid().catch(() => undefined);
    await killMachine(leader, this.proc, this.exited);
  }
}

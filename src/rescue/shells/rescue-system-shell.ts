import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { Client, type ConnectConfig } from 'ssh2';
import { Transcript } from '../../console/transcript.js';
import { RescueError } from '../../errors/rescue-error.js';
import { mask, registerSecret } from '../../secrets.js';
import type { ServerShell } from '../server-shell.js';
import { shQuote, stdinShellCommands } from './run-command-shell.js';

/** Where the rescue system gets the server's root filesystem when it has to mount it itself. */
export const RESCUE_MOUNT = '/mnt/vps-rescue';

export interface RescueSystemShellOptions {
  /** The rescue system's SSH (the server's own address after a rescue boot). */
  ssh: { host: string; port: number; username: string; password?: string; privateKey?: string };
  /** The server's disks as the vendor names them in the rescue system (devices or directories). */
  disks?: string[];
  /** For the report, e.g. "rescue system (hetzner)". */
  via: string;
  transcript?: Transcript | string;
  /** How long the rescue system may take to answer SSH after the reset (default 120 s). */
  connectTimeoutMs?: number;
  /** Per command when the caller gives none. */
  timeoutMs?: number;
  /**
   * Brings the server back on its own system (vendor: disable rescue + reset); run by close(). When
   * the shell cannot be opened it is not called: the caller leaves the rescue system itself.
   */
  leave: () => Promise<void>;
}

/**
 * Finds the server's root filesystem: a disk the vendor named, a filesystem the rescue system
 * already mounted, or a block device that holds etc/ssh/sshd_config once mounted. Prints
 * `VR-ROOT <dir> <1 if mounted here>`, then binds /proc, /dev and /sys into it for sshd -t (and
 * gives it an empty /run).
 */
export function mountScript(disks: string[]): string {
  return [
    'exec 2>&1',
    `M=${RESCUE_MOUNT}`,
    'has(){ [ -f "$1/etc/ssh/sshd_config" ]; }',
    'root=;own=0',
    `for d in ${disks.map(shQuote).join(' ')}; do`,
    '  if [ -d "$d" ]; then has "$d"&&{ root=$d;break; }',
    '  elif [ -b "$d" ]; then mkdir -p $M;mount "$d" $M&&{ has $M&&{ root=$M;own=1;break; };umount $M; }; fi',
    'done',
    '[ -n "$root" ]||for d in $(awk \'$2!="/"{print $2}\' /proc/mounts); do has "$d"&&{ root=$d;break; }; done',
    '[ -n "$root" ]||for d in $(lsblk -lnpo NAME,TYPE 2>/dev/null|awk \'$2~/^(part|disk|lvm|raid|md|crypt)/{print $1}\'); do',
    '  [ -b "$d" ]||continue;mkdir -p $M;mount "$d" $M 2>/dev/null||continue',
    '  has $M&&{ root=$M;own=1;break; };umount $M',
    'done',
    '[ -n "$root" ]||{ echo "VR-ROOT -";exit 3; }',
    'b=',
    'for f in proc dev sys; do mountpoint -q "$root/$f"||{ mount --bind /$f "$root/$f"||exit 4;b=$b$f,; }; done',
    // /run as a booted system has it: empty, with sshd's privilege separation directory (sshd -t).
    'mountpoint -q "$root/run"||{ mount -t tmpfs -o mode=755 tmpfs "$root/run"||exit 4;b=${b}run,; }',
    'mkdir -p -m 755 "$root/run/sshd"',
    'echo "VR-ROOT $root $own ${b:-,}"',
  ].join('\n');
}

/** The server's root as mountScript found it: where, whether it mounted it, what it bound inside. */
export interface MountedRoot {
  dir: string;
  own: boolean;
  inside: string[];
}

/**
 * mountScript's answer (`VR-ROOT <dir> <own> <bound,>`), or rescue.failed with the end of its output.
 * Not anchored at the line start: a console shell's here-document prompts (PS2) may stand in front.
 */
export function mountedRoot(out: string, exitCode: number): MountedRoot {
  const m = /VR-ROOT (\S+) ([01]) (\S+)\r?$/m.exec(out);
  if (!m || exitCode !== 0) {
    throw new RescueError('rescue.failed', {
      step: 'mount',
      reason: `no filesystem with etc/ssh/sshd_config found in the rescue system (${mask(out.trim().slice(-200))})`,
    });
  }
  return {
    dir: m[1]!,
    own: m[2] === '1',
    inside: m[3]!.split(',').filter((f) => /^(proc|dev|sys|run)$/.test(f)),
  };
}

/** Undoes mountScript: what it mounted inside the root, then the root if the rescue mounted it itself. */
export function unmountScript(root: string, own: boolean, inside: string[]): string {
  const r = shQuote(root);
  return [
    ...[...inside].reverse().map((f) => `umount ${r}/${f} 2>/dev/null||umount -l ${r}/${f}`),
    'sync',
    ...(own ? [`umount ${r}||umount -l ${r}`] : []),
  ].join('\n');
}

interface Exec {
  out: string;
  exitCode: number;
}

/** A host key as OpenSSH prints its fingerprint (SHA256, base64 without padding). */
function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function connect(
  o: RescueSystemShellOptions['ssh'],
  timeoutMs: number,
  seen: (hostKey: string) => void,
): Promise<Client> {
  const config: ConnectConfig = {
    host: o.host,
    port: o.port,
    username: o.username,
    // A rescue system is a fresh boot with fresh host keys every time, and the vendors hand out none to
    // pin: the key is trusted on first use, and the report names it with its fingerprint.
    hostVerifier: (key: Buffer) => {
      seen(fingerprint(key));
      return true;
    },
    readyTimeout: Math.min(timeoutMs, 20_000),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
  };
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (err) => reject(err));
    client.connect(config);
  });
}

/** SSH into the rescue system, retried while it boots (refused, reset, timed out). */
async function connectWhenUp(o: RescueSystemShellOptions, seen: (hostKey: string) => void): Promise<Client> {
  const deadline = Date.now() + (o.connectTimeoutMs ?? 120_000);
  for (;;) {
    try {
      return await connect(o.ssh, Math.max(1000, deadline - Date.now()), seen);
    } catch (err) {
      const message = (err as Error).message;
      const auth = /authentication/i.test(message);
      if (auth || Date.now() > deadline) {
        throw new RescueError('console.connect', {
          endpoint: `ssh://${o.ssh.username}@${o.ssh.host}:${o.ssh.port}`,
          reason: mask(message),
        });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function execOn(client: Client, command: string, input: string, timeoutMs: number): Promise<Exec> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let exitCode = -1;
      const timer = setTimeout(() => {
        stream.close();
        reject(
          new RescueError('console.timeout', {
            waitingFor: 'the end of a command in the rescue system',
            seconds: Math.round(timeoutMs / 1000),
            screen: '-',
          }),
        );
      }, timeoutMs);
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.stderr.on('data', (d: Buffer) => chunks.push(d));
      stream.on('exit', (code: number | null) => (exitCode = code ?? -1));
      stream.on('close', () => {
        clearTimeout(timer);
        resolve({ out: Buffer.concat(chunks).toString('utf8'), exitCode });
      });
      stream.end(input);
    });
  });
}

/**
 * A root shell on the server's disk, from a rescue system over SSH: every command and script runs
 * chrooted into the server's root filesystem (the program on stdin, never on argv). Offline: the
 * server's own sshd is not running, and close() leaves the rescue system (the vendor's disable +
 * reset), so the server boots its own system again.
 */
export async function rescueSystemShell(o: RescueSystemShellOptions): Promise<ServerShell> {
  registerSecret(o.ssh.password);
  registerSecret(o.ssh.privateKey);
  const transcript = o.transcript instanceof Transcript ? o.transcript : new Transcript(o.transcript);
  let hostKey: string | undefined;
  const client = await connectWhenUp(o, (key) => (hostKey = key));
  client.on('error', () => undefined);
  let root: MountedRoot;
  try {
    const found = await execOn(client, '/bin/sh', mountScript(o.disks ?? []), 60_000);
    root = mountedRoot(found.out, found.exitCode);
  } catch (err) {
    // Not opened: the caller still holds the rescue system and leaves it.
    client.end();
    throw err;
  }
  transcript.note(`connected: ${o.via}, ${o.ssh.host}; the server's disk at ${root.dir}`);
  transcript.note(`rescue system host key not pinned: trusted on first use (${hostKey ?? 'unknown'})`);
  const chroot = `chroot ${shQuote(root.dir)} /bin/sh`;
  let commands = 0;
  let bytesTyped = 0;
  let bytesReceived = 0;
  let closed: Promise<void> | undefined;

  const exec = async (program: string, timeoutMs?: number) => {
    commands++;
    bytesTyped += Buffer.byteLength(program);
    const r = await execOn(client, chroot, program, timeoutMs ?? o.timeoutMs ?? 60_000);
    bytesReceived += Buffer.byteLength(r.out);
    return r;
  };

  const close = async () => {
    transcript.note(`unmounting ${root.dir}, leaving the rescue system`);
    try {
      await execOn(client, '/bin/sh', unmountScript(root.dir, root.own, root.inside), 30_000).catch(
        () => undefined,
      );
      client.end();
    } finally {
      transcript.flush();
      // Whatever happened above, the server must not stay in rescue mode.
      await o.leave();
      transcript.note('closed');
      transcript.flush();
    }
  };

  return {
    via: `${o.via}; host key not pinned: trusted on first use (${hostKey ?? 'unknown'})`,
    offline: true,
    get counters() {
      return { bytesTyped, bytesReceived, roundTrips: commands, commands, reconnects: 0 };
    },
    ...stdinShellCommands(exec, transcript),
    close: () => (closed ??= close()),
  };
}

/**
 * Waits until an SSH server answers on host:port with its banner (the server's own sshd after the
 * reset); false when none did in time (e.g. sshd does not start at boot).
 */
export async function waitForSshBanner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const once = () =>
    new Promise<boolean>((resolve) => {
      const socket = netConnect({ host, port });
      let text = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(3000, () => done(false));
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('SSH-')) done(true);
      });
      socket.once('error', () => done(false));
      socket.once('close', () => done(false));
    });
  while (Date.now() < deadline) {
    if (await once()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

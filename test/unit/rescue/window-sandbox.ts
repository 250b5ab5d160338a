import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerShell } from '../../../src/rescue/server-shell.js';
import { closerScript, type WindowMode } from '../../../src/rescue/window-closer.js';

/*
 * A password window's files in a sandbox, its scripts run for real by dash: their absolute paths are
 * moved under a temporary root, and sshd, systemctl, systemd-run, logger, date and sleep are small
 * fakes that record what they were asked. The fake `sshd -t` fails while any config file holds the
 * word BROKEN (its message ends in CR LF, as sshd's may); systemd-run fails while the file `systemd-run.fails` exists; sleep moves /proc/uptime
 * on by its whole seconds (a watcher's wait passes at once).
 */

const FAKES: Record<string, string> = {
  sshd: `for f in "$R"/etc/ssh/sshd_config "$R"/etc/ssh/sshd_config.d/*.conf; do [ -f "$f" ] && grep -q BROKEN "$f" && { printf '%s\r\n' "$f: line 1: Bad configuration option: BROKEN" >&2; exit 255; }; done; exit 0`,
  systemctl: `echo "$*" >> "$R/systemctl.log"; case "$1" in is-active) [ "$3" = ssh ] && exit 0; exit 3;; esac; exit 0`,
  'systemd-run': `echo "$*" >> "$R/systemd-run.log"; [ ! -e "$R/systemd-run.fails" ]`,
  logger: `echo "$*" >> "$R/logger.log"`,
  date: `case "$1" in +%s) echo "$NOW";; *) echo 2026-01-01T00:00:00Z;; esac`,
  sleep: `echo "$*" >> "$R/sleep.log"; read u rest < "$R/proc/uptime"; echo "$((\${u%.*} + \${1%%.*})).25 $rest" > "$R/proc/uptime"`,
};

const roots: string[] = [];

/** Removes every sandbox made since the last call (afterEach). */
export function removeSandboxes(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export interface Clocks {
  /** The server's clock (epoch seconds). */
  now?: number;
  /** Whole seconds of /proc/uptime. */
  uptime?: number;
}

export interface Sandbox {
  root: string;
  /** Runs the window's closer with these arguments. */
  run: (args: string[], clocks?: Clocks) => { code: number; out: string };
  /** A root shell on the sandbox, as window-admin gets one: its scripts run by dash in the sandbox. */
  shell: (clocks?: Clocks) => ServerShell;
  file: (path: string) => string | undefined;
  log: (name: string) => string;
  write: (path: string, text: string) => void;
}

export interface SandboxSpec {
  mode: WindowMode;
  /** The state file's line; none: no state file. */
  state?: string;
  systemd?: boolean;
  user?: string;
  /** A closer made for the sandbox's init (as a window opened on a running server gets), or for both. */
  forInit?: boolean;
}

export function sandbox(o: SandboxSpec): Sandbox {
  const r = mkdtempSync(join(tmpdir(), 'vr-closer-'));
  roots.push(r);
  const user = o.user ?? 'alice';
  for (const d of ['bin', 'etc/ssh/sshd_config.d', 'etc/vps-rescue/config-alice/d', 'proc', 'var/backups'])
    mkdirSync(join(r, d), { recursive: true });
  if (o.systemd !== false) mkdirSync(join(r, 'run/systemd/system'), { recursive: true });
  for (const [name, body] of Object.entries(FAKES))
    writeFileSync(join(r, 'bin', name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const local = (script: string) =>
    script.replace(/\/(etc|var\/backups|run)\//g, `${r}/$1/`).replace(/\/proc\/uptime/g, `${r}/proc/uptime`);
  const init = o.forInit ? (o.systemd === false ? 'other' : 'systemd') : undefined;
  const closer = join(r, `etc/vps-rescue/close-window-${user}`);
  writeFileSync(closer, local(closerScript(user, o.mode, init)), { mode: 0o700 });
  if (o.state !== undefined) writeFileSync(join(r, `etc/vps-rescue/window-${user}`), `${o.state}\n`);

  const dash = (args: string[], clocks: Clocks) => {
    writeFileSync(join(r, 'proc/uptime'), `${clocks.uptime ?? 100}.25 80.00\n`);
    const p = spawnSync('dash', args, {
      env: { PATH: `${r}/bin:/usr/bin:/bin`, R: r, NOW: String(clocks.now ?? 1_000_000_000) },
      encoding: 'utf8',
      timeout: 10_000,
    });
    return { code: p.status ?? -1, out: p.stdout };
  };
  return {
    root: r,
    run: (args, clocks = {}) => dash([closer, ...args], clocks),
    shell: (clocks = {}) => ({
      via: 'sandbox',
      run: () => Promise.reject(new Error('the window commands send scripts')),
      runScript: (req) => {
        const path = join(r, 'script.sh');
        writeFileSync(path, local(req.script));
        const p = dash([path], clocks);
        return Promise.resolve({ stdout: p.out, exitCode: p.code });
      },
      close: () => Promise.resolve(),
    }),
    file: (path) => (existsSync(join(r, path)) ? readFileSync(join(r, path), 'utf8') : undefined),
    log: (name) => (existsSync(join(r, name)) ? readFileSync(join(r, name), 'utf8') : ''),
    write: (path, text) => writeFileSync(join(r, path), text),
  };
}

export const MAIN = 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\n';
export const block = (u: string) =>
  `# vps-rescue T: password login for ${u} only\nMatch User ${u}\n\tPasswordAuthentication yes\n`;

/** alice's and bob's windows open, a snapshot of the config from when alice's opened. */
export function twoWindows(s: Sandbox): void {
  s.write('etc/ssh/sshd_config', MAIN);
  s.write('etc/ssh/sshd_config.d/00-vps-rescue-alice.conf', block('alice'));
  s.write('etc/ssh/sshd_config.d/00-vps-rescue-bob.conf', block('bob'));
  s.write('etc/vps-rescue/window-bob', 'T2 999999000 1000003600 5000\n');
  s.write('etc/ssh/sshd_config.d/10-customer.conf', 'X11Forwarding no\n');
  s.write('etc/vps-rescue/config-alice/sshd_config', MAIN);
  s.write('etc/vps-rescue/config-alice/d/10-customer.conf', 'X11Forwarding no\n');
}

import type { LabServer } from '../../lab/index.js';

/*
 * Clock skew between vps-rescue and a lab server. A container cannot have its own wall clock:
 * CLOCK_REALTIME is not namespaced (time namespaces offset only CLOCK_MONOTONIC and CLOCK_BOOTTIME),
 * and the host's clock is shared with everything else on it. Two real ways remain, and the tests use
 * both:
 *   - vps-rescue's own clock is moved (RescueOptions.now): then the whole server — systemd's timers
 *     and calendar, journald, every `date` — really is ahead of or behind the client, exactly as a
 *     server with a wrong clock is. This is the only clock the old code used for the deadline.
 *   - the server's `date` is replaced by a wrapper that adds an offset: every shell script on the
 *     server (the transaction, the closer, the watcher) then reads a clock that is off, while the
 *     kernel's timers (sleep, systemd's monotonic timers, /proc/uptime) keep real time — as on a
 *     server whose wall clock was set wrong; PID 1's wall clock stays the host's. Debian only:
 *     busybox ash runs its own `date` applet before any file on PATH (standalone shell), so on the
 *     busybox flavour the skew is made on vps-rescue's side.
 */

/** Moves the server's `date` by `seconds` (negative: behind). Called again, it changes the offset. */
export async function skewServerDate(server: LabServer, seconds: number): Promise<void> {
  const [path, real] = ['/usr/bin/date', '/usr/bin/date.real'];
  await server.execChecked(`test -e ${real} || mv ${path} ${real}`);
  const script = [
    '#!/bin/sh',
    `# lab: this server's wall clock, as its programs read it, is ${seconds} s off`,
    `exec ${real} -d "@$(( $(${real} +%s) + (${seconds}) ))" "$@"`,
    '',
  ].join('\n');
  await server.writeFile(path, script, { mode: 0o755 });
}

/** The server's `date +%s` through a login-like shell, and the host's, in seconds. */
export async function serverClockOffset(server: LabServer): Promise<number> {
  const out = await server.execChecked('sh -c "date +%s"');
  return Number(out.trim()) - Math.round(Date.now() / 1000);
}

/** A client clock `seconds` away from the real one. */
export const clientClock = (seconds: number) => () => new Date(Date.now() + seconds * 1000);

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SUITES, DEFAULT_SUITE, type Suite } from './image.js';

const COMMANDS = ['systemd-nspawn', 'debootstrap', 'unshare', 'nsenter', 'script', 'ssh', 'ssh-keygen'];

/** Whether this machine can run lab servers, and if not, why (one line for a skip or an error). */
export function labAvailability(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true } | { ok: false; reason: string } {
  // Lets anyone check the CI rule: with this set, lab tests skip — and under CI=true the run fails.
  if (env.VPS_RESCUE_LAB_DISABLE)
    return { ok: false, reason: `disabled by VPS_RESCUE_LAB_DISABLE (${env.VPS_RESCUE_LAB_DISABLE})` };
  if (process.platform !== 'linux') return { ok: false, reason: 'the lab needs Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the lab needs root (systemd-nspawn, mounts)' };
  const missing = COMMANDS.filter((cmd) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0)
    return { ok: false, reason: `missing commands: ${missing.join(', ')} (run npm run bootstrap as root)` };
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) {
    return { ok: false, reason: 'the kernel has no overlay filesystem' };
  }
  return { ok: true };
}

/** Suites the lab tests run on: VPS_RESCUE_LAB_SUITES=bullseye,trixie (default bookworm). */
export function labSuites(env: NodeJS.ProcessEnv = process.env): Suite[] {
  const asked = (env.VPS_RESCUE_LAB_SUITES ?? DEFAULT_SUITE).split(',').map((s) => s.trim());
  const unknown = asked.filter((s) => !SUITES.includes(s as Suite));
  if (unknown.length > 0)
    throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  return asked as Suite[];
}

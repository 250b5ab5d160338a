#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when missing or stale, and (as root) the Debian
// packages the lab needs. Uses only Node built-ins because nothing else is installed yet.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`bootstrap: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

const marker = `${root}node_modules/.package-lock.json`;
const lock = `${root}package-lock.json`;
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.error('bootstrap: installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
} else if (!existsSync(`${root}dist/src/cli/main.js`)) {
  run('npm', ['run', '--silent', 'build']);
}

// Debian package → a command it provides; the lab needs all of them.
const LAB_PACKAGES = {
  'systemd-container': 'systemd-nspawn',
  debootstrap: 'debootstrap',
  'openssh-client': 'ssh',
  'util-linux': 'nsenter',
  bsdutils: 'script',
  'busybox-static': 'busybox',
  expect: 'expect',
  socat: 'socat',
};
const has = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = Object.entries(LAB_PACKAGES)
  .filter(([, command]) => !has(command))
  .map(([pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && process.env.VPS_RESCUE_NO_APT !== '1') {
    console.error(`bootstrap: installing Debian packages for the lab: ${missing.join(' ')}`);
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error(
      `bootstrap: lab packages missing (${missing.join(' ')}); lab tests and the demo need root to install them`,
    );
  }
}

#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when missing or stale, and (as root) the Debian
// packages the lab needs. Uses only Node built-ins because nothing else is installed yet.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isPresent, missingPackages } from './debian-packages.mjs';
import { npmState } from './npm-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`bootstrap: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

const state = npmState(root);
if (state === 'missing' || state === 'stale') {
  console.error('bootstrap: installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
} else if (state === 'linked-stale') {
  // npm ci would empty the linked tree that other clones share.
  console.error(
    'bootstrap: node_modules is a link to a tree that does not match package-lock.json; not touching it',
  );
  process.exit(1);
} else if (!existsSync(`${root}dist/src/cli/main.js`)) {
  run('npm', ['run', '--silent', 'build']);
}

// The Debian packages come from scripts/debian-packages.txt, the list .ci/run installs through this
// script too, so the two cannot drift.
const missing = missingPackages();
if (missing.length > 0) {
  if (process.getuid?.() === 0 && process.env.VPS_RESCUE_NO_APT !== '1' && isPresent('apt-get')) {
    console.error(`bootstrap: installing Debian packages for the lab: ${missing.join(' ')}`);
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const still = missingPackages();
    if (still.length > 0) {
      console.error(`bootstrap: still missing after apt-get install: ${still.join(' ')}`);
      process.exit(1);
    }
  } else {
    console.error(
      `bootstrap: lab packages missing (${missing.join(' ')}); lab tests and the demo need root on Debian/Ubuntu to install them`,
    );
  }
}

import { randomBytes } from 'node:crypto';
import { generateKeyPair } from './keys.js';
import { LabServer } from './server.js';
import type { FlavourName } from './flavour-names.js';
import type { Suite } from './image.js';
import { PASSWORDS } from './scenarios/builder.js';
import { fingerprintOf } from '../src/preflight/host-key.js';
import { sshShell } from '../src/preflight/ssh-shell.js';
import { preflight } from '../src/preflight/preflight.js';
import { hardenFiles, hardenScript } from '../src/harden/revert.js';
import { WORK_DIR } from '../src/rescue/server-io.js';

/*
 * preflight's prediction for root under the default plan, then the revert without vps-rescue: on
 * each flavour the hardening is applied (backup, sshd -t, revert
 * armed, reload) and the client then vanishes without confirming. The server must go back by itself
 * on its own timer (systemd) or watcher (no systemd), and key and password logins work as before.
 */

export interface FlavourRow {
  flavour: string;
  openssh: string;
  armedBy: string;
  /** preflight's prediction for root's key login under the default plan (PermitRootLogin no) */
  predicted: string;
  /** root's real key login while the hardening is live */
  keyWhileHardened: string;
  passwordRefusedWhileHardened: boolean;
  revertedAlone: boolean;
  passwordBackAfter: boolean;
}

const SECONDS = 10;

export async function flavourRevert(flavour: {
  name: string;
  suite?: Suite;
  flavour?: FlavourName;
}): Promise<FlavourRow> {
  const key = await generateKeyPair();
  const server = await LabServer.create({
    ...(flavour.suite ? { suite: flavour.suite } : {}),
    ...(flavour.flavour ? { flavour: flavour.flavour } : {}),
    rootPassword: PASSWORDS.root,
    files: [
      { path: '/root/.ssh', mode: 0o700 },
      { path: '/root/.ssh/authorized_keys', content: `${key.publicKey}\n`, mode: 0o600 },
    ],
    // Password login for root as it was before the hardening (the old way in that must come back).
    commands: ["sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config"],
  });
  try {
    const pub = (await server.execChecked('cat /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1]!;
    const openssh =
      (await server.exec('{ sshd -V 2>&1; ssh -V 2>&1; } | grep -m1 OpenSSH_')).stdout.trim().split(',')[0] ??
      '?';
    const shell = await sshShell({
      target: {
        host: server.address,
        port: 22,
        user: 'root',
        credentials: { privateKey: await readKey(key.privateKeyPath) },
        hostKey: { kind: 'fingerprint', value: fingerprintOf(Buffer.from(pub, 'base64')) },
      },
    });
    const prediction = await preflight({
      shell,
      host: server.address,
      port: 22,
      user: 'root',
      plan: { kind: 'default' },
      publicKeys: [key.publicKey],
      lang: 'en',
    });
    const predicted = prediction.lockout ? `locked out (${prediction.lockout.cause})` : 'gets in';
    const txId = `t${randomBytes(4).toString('hex')}`;
    const r = await shell.runScript({
      path: `${WORK_DIR}/h-${txId}.sh`,
      script: hardenScript({ kind: 'default' }, txId, SECONDS),
      before: `mkdir -p -m 700 ${WORK_DIR}`,
    });
    // The client vanishes: no confirmation will ever come.
    await shell.close();
    const armedBy = /armed \d+ (\S+)/.exec(r.stdout)?.[1] ?? `not armed: ${r.stdout.slice(-200)}`;
    // A reload re-executes sshd (a SIGHUP without systemd): ask once it listens again.
    await server.waitForSshd(10_000).catch(() => undefined);
    const refused = (await server.sshLogin({ user: 'root', password: PASSWORDS.root })).refused;
    const keyLogin = await server.sshLogin({ user: 'root', privateKeyPath: key.privateKeyPath });
    const keyWhileHardened = keyLogin.ok
      ? 'gets in'
      : keyLogin.refused
        ? 'locked out'
        : `failed: ${keyLogin.stderr.trim().slice(0, 60)}`;
    const reverted = await server
      .waitFor(`test -f ${hardenFiles(txId).dir}/reverted`, (SECONDS + 20) * 1000, 'the revert')
      .then(() => true)
      .catch(() => false);
    await server.waitForSshd(10_000).catch(() => undefined);
    const back = (await server.sshLogin({ user: 'root', password: PASSWORDS.root })).ok;
    return {
      flavour: flavour.name,
      openssh,
      armedBy,
      predicted,
      keyWhileHardened,
      passwordRefusedWhileHardened: refused,
      revertedAlone: reverted,
      passwordBackAfter: back,
    };
  } finally {
    await server.destroy();
  }
}

async function readKey(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8');
}

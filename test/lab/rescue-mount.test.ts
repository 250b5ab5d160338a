import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mountScript, RESCUE_MOUNT, unmountScript } from '../../src/rescue/shells/rescue-system-shell.js';
import { labDescribe } from '../support/lab-guard.js';

/**
 * A vendor's rescue system (Finnix on Linode) attaches the server's disk as a block device; the lab's
 * rescue systems see it as a directory. Here the mount and unmount scripts run on a real block
 * device: an ext4 image on a loop device, with the layout of a server's root, in a private mount
 * namespace whose /mnt is a tmpfs, so nothing of it reaches this machine's own mounts.
 */
const run = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

labDescribe('rescue system: the server disk as a block device', () => {
  let work = '';
  let loop = '';
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), `vr-mount-${process.pid}-`));
    const tree = join(work, 'tree');
    for (const dir of ['etc/ssh', 'root', 'proc', 'dev', 'sys', 'run', 'bin'])
      mkdirSync(join(tree, dir), { recursive: true });
    writeFileSync(join(tree, 'etc/ssh/sshd_config'), 'PasswordAuthentication no\n');
    const image = join(work, 'disk.img');
    run('truncate', ['-s', '32M', image]);
    run('mkfs.ext4', ['-q', '-F', '-d', tree, image]);
    loop = run('losetup', ['--find', '--show', image]).trim();
  });
  afterAll(() => {
    if (loop) run('losetup', ['-d', loop]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** sh in a private mount namespace over a tmpfs /mnt; stdout and the exit code. */
  const inNamespace = (script: string) => {
    try {
      return {
        out: run(
          'unshare',
          ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt && sh'],
          script,
        ),
        code: 0,
      };
    } catch (err) {
      const e = err as { stdout?: string; status?: number };
      return { out: e.stdout ?? '', code: e.status ?? -1 };
    }
  };

  it('finds the root filesystem on the named device, mounts it with proc/dev/sys/run, and unmounts it all', () => {
    const unmount = unmountScript(RESCUE_MOUNT, true, ['proc', 'dev', 'sys', 'run']);
    const r = inNamespace(
      [
        mountScript([loop]),
        `grep -c PasswordAuthentication ${RESCUE_MOUNT}/etc/ssh/sshd_config`,
        `test -d ${RESCUE_MOUNT}/run/sshd && echo run-sshd`,
        `mountpoint -q ${RESCUE_MOUNT}/proc && echo proc-bound`,
        `echo changed > ${RESCUE_MOUNT}/root/changed`,
        unmount,
        `mountpoint -q ${RESCUE_MOUNT} || echo unmounted`,
        `grep -c ' ${RESCUE_MOUNT}' /proc/mounts || true`,
      ].join('\n'),
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`^VR-ROOT ${RESCUE_MOUNT} 1 proc,dev,sys,run,$`, 'm'));
    expect(r.out).toMatch(/^1\nrun-sshd\nproc-bound\nunmounted\n0\n$/m);
    // What was written on the mounted disk is on the device after the unmount.
    const back = inNamespace(`mount ${loop} /mnt && cat /mnt/root/changed; umount /mnt`);
    expect(back.out).toBe('changed\n');
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mountScript, unmountScript } from '../../../src/rescue/shells/rescue-system-shell.js';

const dashAccepts = (script: string) => execFileSync('dash', ['-n'], { input: script, stdio: 'pipe' });

describe('the rescue system mounts', () => {
  it('the mount and unmount scripts are sh; only what was mounted is unmounted', () => {
    expect(() => dashAccepts(mountScript(['/dev/sda1', "/tmp/it's"]))).not.toThrow();
    const un = unmountScript('/mnt/vps-rescue', true, ['proc', 'dev', 'run']);
    expect(() => dashAccepts(un)).not.toThrow();
    expect(un).not.toContain('/sys');
    expect(un.split('\n')[0]).toMatch(/^umount '\/mnt\/vps-rescue'\/run /);
    expect(un).toMatch(/umount '\/mnt\/vps-rescue'\|\|umount -l/);
    expect(unmountScript('/mnt/vda', false, [])).not.toMatch(/umount '\/mnt\/vda'(\||$)/m);
  });
});

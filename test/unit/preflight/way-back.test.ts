import { describe, expect, it } from 'vitest';
import { consoleCandidates, parseGettys } from '../../../src/preflight/way-back.js';
import { intendedSettings } from '../../../src/preflight/plan.js';

describe('way back', () => {
  it('finds the gettys on serial ports, the system console and the screen; ignores look-alikes', () => {
    const out = [
      'G /dev/null /sbin/agetty -o -p -- \\u --keep-baud 115200,57600,38400,9600 ttyS0 vt220',
      'G /dev/console /sbin/agetty -o -p -- \\u --noclear --keep-baud - 115200,38400,9600 xterm',
      'G /dev/tty1 /sbin/agetty -o -p -- \\u --noclear - linux',
      'G /dev/null /sbin/getty -L 115200 hvc0',
      'G /dev/null /bin/sh -c echo agetty ttyS5',
      'noise',
    ].join('\n');
    const g = parseGettys(out);
    expect(g.serial.sort()).toEqual(['console', 'hvc0', 'ttyS0']);
    expect(g.screen).toEqual(['tty1']);
    expect(parseGettys('')).toEqual({ serial: [], screen: [] });
  });

  it('console candidates: root and the members of sudo/wheel/admin, valid names only', () => {
    const group = 'root:x:0:\nsudo:x:27:alice,bob\nwheel:x:10:carol,$(reboot)\nusers:x:100:dave\n';
    expect(consoleCandidates(group)).toEqual(['root', 'alice', 'bob', 'carol']);
  });

  it('reads what a candidate sets for everyone: first value, before any Match', () => {
    expect(intendedSettings({ kind: 'default' })).toEqual({
      passwordauthentication: 'no',
      kbdinteractiveauthentication: 'no',
      permitrootlogin: 'no',
    });
    const text =
      'PermitRootLogin prohibit-password\nPasswordAuthentication no # off\nPasswordAuthentication yes\nMatch User bob\n  PermitRootLogin yes\n';
    expect(intendedSettings({ kind: 'config', text, source: 'f' })).toEqual({
      permitrootlogin: 'prohibit-password',
      passwordauthentication: 'no',
    });
  });
});

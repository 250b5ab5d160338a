import { describe, expect, it } from 'vitest';
import { Keyboard, type KeySink } from '../../../src/console/vnc/keyboard.js';
import { layoutFromEcho, PROBE_ECHO } from '../../../src/console/vnc/layout-probe.js';
import { LAYOUT_SAFE } from '../../../src/console/vnc/layouts.js';

function sink(extendedKeys: boolean) {
  const keys: Array<{ down: boolean; keysym: number; scancode?: number }> = [];
  const s: KeySink = {
    extendedKeys,
    leds: 0,
    key: (down, keysym, scancode) => keys.push({ down, keysym, scancode }),
    nextUpdate: async () => {},
  };
  return { s, downs: () => keys.filter((k) => k.down && k.keysym !== 0xffe1 && k.keysym !== 0xffe3) };
}

describe('keyboard layouts over VNC', () => {
  it('sends the JIS key for @ with the keysym QEMU’s en-us keymap has on that key (right with and without -k)', async () => {
    for (const extended of [true, false]) {
      const { s, downs } = sink(extended);
      await new Keyboard(s, { guest: 'jp106', server: 'us', holdMs: 0, gapMs: 0 }).type('@:');
      // JIS @ is the US [ key (0x1a), JIS : the US ' key (0x28)
      expect(downs().map((k) => [k.keysym, k.scancode])).toEqual([
        [0x5b, extended ? 0x1a : undefined],
        [0x27, extended ? 0x28 : undefined],
      ]);
    }
  });

  it('refuses a key QEMU’s keymap lacks when only keysyms reach the guest, instead of typing another key', async () => {
    const { s } = sink(false);
    await expect(
      new Keyboard(s, { guest: 'jp106', server: 'us', holdMs: 0, gapMs: 0 }).type('_'),
    ).rejects.toThrow(/vnc.cannot-type/);
  });

  it('tells the layouts apart from the probe’s echo, and reports lost or doubled keys as unknown', () => {
    expect(layoutFromEcho(PROBE_ECHO.us).layout).toBe('us');
    expect(layoutFromEcho(PROBE_ECHO.jp106).layout).toBe('jp106');
    expect(layoutFromEcho(':@').layout).toBeUndefined(); // a key lost
    expect(layoutFromEcho("''[@").layout).toBeUndefined(); // a key doubled
  });

  it('types user names only from keys both layouts share', () => {
    for (const ch of 'root alice-1.x/,;') expect(LAYOUT_SAFE.has(ch)).toBe(true);
    for (const ch of `@:'"=^_|\\`) expect(LAYOUT_SAFE.has(ch)).toBe(false);
  });
});

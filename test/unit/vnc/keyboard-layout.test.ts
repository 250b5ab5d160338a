import { describe, expect, it } from 'vitest';
import { Keyboard, type KeySink } from '../../../src/console/vnc/keyboard.js';
import { layoutFromEcho, PROBE_ECHO, probeEcho } from '../../../src/console/vnc/layout-probe.js';
import { charFor, layout, LAYOUT_SAFE } from '../../../src/console/vnc/layouts.js';

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

  it('types a key QEMU’s keymap lacks as Alt + its code on the keypad when only keysyms reach the guest', async () => {
    const all: Array<[boolean, number]> = [];
    const s: KeySink = {
      extendedKeys: false,
      leds: 0,
      key: (down, keysym) => all.push([down, keysym]),
      nextUpdate: async () => {},
    };
    // JIS _ is Shift + the Ro key, which QEMU's en-us keymap has no keysym for: Alt, KP_9, KP_5.
    await new Keyboard(s, { guest: 'jp106', server: 'us', holdMs: 0, gapMs: 0 }).type('_');
    const ALT = 0xffe9;
    expect(all.filter(([, k]) => k !== 0xffe1 && k !== 0xffe3)).toEqual([
      [true, ALT],
      [true, 0xffb9],
      [false, 0xffb9],
      [true, 0xffb5],
      [false, 0xffb5],
      [false, ALT],
    ]);
    // Refused instead, when the Alt+keypad way is switched off.
    const { s: plain } = sink(false);
    await expect(
      new Keyboard(plain, { guest: 'jp106', server: 'us', holdMs: 0, gapMs: 0, altKeypad: false }).type('_'),
    ).rejects.toThrow(/vnc.cannot-type/);
  });

  it('tells the layouts apart from the probe’s echo, and reports lost or doubled keys as unknown', () => {
    expect(layoutFromEcho(PROBE_ECHO.us).layout).toBe('us');
    expect(layoutFromEcho(PROBE_ECHO.jp106).layout).toBe('jp106');
    expect(layoutFromEcho(':@').layout).toBeUndefined(); // a key lost
    expect(layoutFromEcho("''[@").layout).toBeUndefined(); // a key doubled
  });

  it('finds a QEMU keymap that differs from the guest (-k ja) from the probe, only when scancodes are ignored', () => {
    expect(probeEcho('us', 'jp106')).toBe('7]{');
    expect(layoutFromEcho('7]{', true)).toEqual({ layout: 'us', serverKeymap: 'jp106', echo: '7]{' });
    expect(layoutFromEcho('7[`', true)).toEqual({ layout: 'jp106', serverKeymap: 'jp106', echo: '7[`' });
    // With scancodes honoured QEMU's keymap plays no part: such an echo is a fault, not a layout.
    expect(layoutFromEcho('7]{').layout).toBeUndefined();
    expect(layoutFromEcho(PROBE_ECHO.us, true)).toEqual({ layout: 'us', echo: PROBE_ECHO.us });
  });

  it('types what a US guest has through a QEMU started with -k ja (keysyms only), key by key', async () => {
    const { s, downs } = sink(false);
    const kb = new Keyboard(s, { guest: 'us', server: 'jp106', holdMs: 0, gapMs: 0 });
    // No keysym of QEMU's JIS keymap leads to the US keys for ` and ~ (Zenkaku) or + (Shift+^ gives ~,
    // which QEMU sends as Shift+0): they go as Alt + keypad codes, tested above; the rest key by key.
    const refused = '`~+';
    const typable = [...layout('us').keys()].filter((ch) => !refused.includes(ch));
    await kb.type(typable.join(''));
    // QEMU -k ja: the keysym's key in its keymap, with the Shift we hold; the US guest reads that key.
    const seen = downs().map((k, i) => {
      const key = layout('jp106').get(String.fromCodePoint(k.keysym));
      return key && charFor('us', { code: key.code, shift: layout('us').get(typable[i]!)!.shift });
    });
    expect(seen.join('')).toBe(typable.join(''));
    const off = new Keyboard(s, { guest: 'us', server: 'jp106', holdMs: 0, gapMs: 0, altKeypad: false });
    for (const ch of refused) await expect(off.type(ch)).rejects.toThrow(/vnc.cannot-type/);
  });

  it('types user names only from keys both layouts share', () => {
    for (const ch of 'root alice-1.x/,;') expect(LAYOUT_SAFE.has(ch)).toBe(true);
    for (const ch of `@:'"=^_|\\`) expect(LAYOUT_SAFE.has(ch)).toBe(false);
  });
});

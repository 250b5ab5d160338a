/**
 * Keyboard layouts as the guest's console keymap sees them: which physical key (XT set-1 scancode)
 * and Shift state produce each character. What the guest types is decided by its own layout, so a
 * character is sent as the key that makes it there.
 */
export interface KeyStroke {
  code: number;
  shift: boolean;
}

export type LayoutName = 'us' | 'jp106';
export const LAYOUTS: readonly LayoutName[] = ['us', 'jp106'];

export type Layout = ReadonlyMap<string, KeyStroke>;

/** [code, unshifted, shifted] rows; '' = no character. */
type Row = Array<[number, string, string]>;

const LETTERS: Row = [...'qwertyuiop']
  .map((c, i) => [0x10 + i, c, c.toUpperCase()] as [number, string, string])
  .concat([...'asdfghjkl'].map((c, i) => [0x1e + i, c, c.toUpperCase()] as [number, string, string]))
  .concat([...'zxcvbnm'].map((c, i) => [0x2c + i, c, c.toUpperCase()] as [number, string, string]));

const COMMON: Row = [...LETTERS, [0x39, ' ', ' '], [0x33, ',', '<'], [0x34, '.', '>'], [0x35, '/', '?']];

const US: Row = [
  ...COMMON,
  [0x29, '`', '~'],
  ...[...'1234567890'].map((d, i) => [0x02 + i, d, '!@#$%^&*()'[i]!] as [number, string, string]),
  [0x0c, '-', '_'],
  [0x0d, '=', '+'],
  [0x1a, '[', '{'],
  [0x1b, ']', '}'],
  [0x2b, '\\', '|'],
  [0x27, ';', ':'],
  [0x28, "'", '"'],
];

/** Japanese 106/109 keyboard as Debian's `jp` XKB layout (ckbcomp jp106) maps it. */
const JP106: Row = [
  ...COMMON,
  // Shift+0 gives ~ as well as Shift+^ (ckbcomp's jp106, and QEMU's ja keymap lists it first).
  ...[...'1234567890'].map((d, i) => [0x02 + i, d, '!"#$%&\'()~'[i]!] as [number, string, string]),
  [0x0c, '-', '='],
  [0x0d, '^', '~'],
  [0x7d, '\\', '|'], // the Yen key
  [0x1a, '@', '`'],
  [0x1b, '[', '{'],
  [0x2b, ']', '}'],
  [0x27, ';', '+'],
  [0x28, ':', '*'],
  [0x73, '\\', '_'], // the Ro key
];

function build(rows: Row): Layout {
  const map = new Map<string, KeyStroke>();
  for (const [code, plain, shifted] of rows) {
    // First definition wins: for JIS '\' the Yen key (unshifted) is listed before Ro.
    if (plain && !map.has(plain)) map.set(plain, { code, shift: false });
    if (shifted && !map.has(shifted)) map.set(shifted, { code, shift: true });
  }
  return map;
}

const BUILT: Record<LayoutName, Layout> = { us: build(US), jp106: build(JP106) };

export function layout(name: LayoutName): Layout {
  return BUILT[name];
}

/** The character a layout gives for a key, if any (used to pick keysyms QEMU's own keymap understands). */
export function charFor(name: LayoutName, stroke: KeyStroke): string | undefined {
  for (const [ch, s] of BUILT[name]) if (s.code === stroke.code && s.shift === stroke.shift) return ch;
  return undefined;
}

/** Characters on the same key (and Shift state) in every supported layout: safe before calibration. */
export const LAYOUT_SAFE = new Set(
  [...BUILT.us].filter(([ch, s]) => LAYOUTS.every((n) => sameStroke(BUILT[n].get(ch), s))).map(([ch]) => ch),
);

function sameStroke(a: KeyStroke | undefined, b: KeyStroke): boolean {
  return a !== undefined && a.code === b.code && a.shift === b.shift;
}

/** Keys that are not characters. */
export const SPECIAL = {
  Return: { keysym: 0xff0d, code: 0x1c },
  BackSpace: { keysym: 0xff08, code: 0x0e },
  Tab: { keysym: 0xff09, code: 0x0f },
  Escape: { keysym: 0xff1b, code: 0x01 },
  Shift_L: { keysym: 0xffe1, code: 0x2a },
  Control_L: { keysym: 0xffe3, code: 0x1d },
  Caps_Lock: { keysym: 0xffe5, code: 0x3a },
  Alt_L: { keysym: 0xffe9, code: 0x38 },
} as const;

/** Keypad digits 0-9 (keysyms KP_0…KP_9 and their XT scancodes), for Alt+keypad character codes. */
export const KEYPAD_DIGITS: ReadonlyArray<{ keysym: number; code: number }> = [
  0x52, 0x4f, 0x50, 0x51, 0x4b, 0x4c, 0x4d, 0x47, 0x48, 0x49,
].map((code, d) => ({ keysym: 0xffb0 + d, code }));

import { RescueError } from '../../errors/rescue-error.js';
import { charFor, KEYPAD_DIGITS, layout, SPECIAL, type KeyStroke, type LayoutName } from './layouts.js';
import { LED } from './rfb-messages.js';

/** What the keyboard needs from the VNC client (an interface so tests can record key events). */
export interface KeySink {
  readonly extendedKeys: boolean;
  readonly leds: number | undefined;
  key(down: boolean, keysym: number, scancode?: number): void;
  nextUpdate(timeoutMs: number): Promise<void>;
}

export interface KeyboardSettings {
  /** The guest console's layout (decides which key makes which character). */
  guest: LayoutName;
  /** QEMU's own -k keymap: only used when the server lacks ExtendedKeyEvent. */
  server: LayoutName;
  /**
   * How long a key stays down. QEMU queues make and break codes in order, so 0 works there; a pause
   * is for servers that sample key state (and for Packer-like slow typing).
   */
  holdMs: number;
  /** Pause after each key release (pacing without flow control). */
  gapMs: number;
  /** Use plain KeyEvents even when the server offers QEMU's extension (to test that path). */
  plainKeysOnly?: boolean;
  /**
   * A character no key gives through the server's keymap goes in as Alt + its code on the keypad
   * (default on; off: such a character is refused with vnc.cannot-type).
   */
  altKeypad?: boolean;
}

/**
 * Paces typing to what the guest has taken in: a PS/2 keyboard queues only 16 bytes, and keys sent
 * while a slow (emulated, loaded) guest has not read them yet are dropped, a lost Shift release
 * leaving Shift stuck. Called before each key.
 */
export interface KeyFlow {
  /** `bytes`: what the key costs in the guest's keyboard queue (make + break, with modifiers). */
  beforeKey(bytes: number): Promise<void>;
}

export const DEFAULT_KEYBOARD: KeyboardSettings = { guest: 'us', server: 'us', holdMs: 0, gapMs: 0 };

export interface KeyboardCounters {
  /** Characters/keys typed (a shifted character counts once). */
  keys: number;
  /** Milliseconds spent typing. */
  typingMs: number;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

interface Press {
  keysym: number;
  code: number;
  shift: boolean;
  ctrl: boolean;
  /** Typed as Alt + its decimal code on the keypad (the Linux console's Ascii_N keys). */
  altCode?: number;
}

/**
 * Types text as key presses: each character becomes the key that produces it on the guest's layout,
 * Shift pressed and released explicitly around it, each key held briefly; Caps Lock is switched off
 * first when the server reports it on.
 */
export class Keyboard {
  readonly counters: KeyboardCounters = { keys: 0, typingMs: 0 };
  flow: KeyFlow | undefined;

  constructor(
    private readonly sink: KeySink,
    public settings: KeyboardSettings = DEFAULT_KEYBOARD,
  ) {}

  get keysPerSecond(): number {
    return this.counters.typingMs > 0 ? (this.counters.keys * 1000) / this.counters.typingMs : 0;
  }

  /** Can this character be typed with the current settings? */
  canType(ch: string): boolean {
    try {
      this.press(ch);
      return true;
    } catch {
      return false;
    }
  }

  /** `paced: false` skips flow control (keys that echo nothing, such as ^S and ^Q). */
  async type(text: string, opts: { paced?: boolean } = {}): Promise<void> {
    const presses = [...text].map((ch) => this.press(ch));
    await this.clearCapsLock();
    const started = performance.now();
    // A modifier release lost earlier (queue overflow) would change every key after it.
    this.tap(SPECIAL.Shift_L.keysym, SPECIAL.Shift_L.code, false);
    this.tap(SPECIAL.Control_L.keysym, SPECIAL.Control_L.code, false);
    // QEMU delays every key event it passes on (its VNC key-delay-ms, 10 ms by default), so Shift
    // stays down across a run of shifted characters: base64 then costs about 2.5 events a character
    // instead of 2.8.
    let shifted = false;
    for (const p of presses) {
      if (opts.paced !== false) await this.flow?.beforeKey(costOf(p));
      if (p.shift !== shifted) {
        this.tap(SPECIAL.Shift_L.keysym, SPECIAL.Shift_L.code, p.shift);
        shifted = p.shift;
      }
      await this.stroke(p);
    }
    if (shifted) this.tap(SPECIAL.Shift_L.keysym, SPECIAL.Shift_L.code, false);
    this.counters.keys += presses.length;
    this.counters.typingMs += performance.now() - started;
  }

  private async clearCapsLock(): Promise<void> {
    if (this.sink.leds === undefined || (this.sink.leds & LED.caps) === 0) return;
    this.tap(SPECIAL.Caps_Lock.keysym, SPECIAL.Caps_Lock.code, true);
    await sleep(this.settings.holdMs);
    this.tap(SPECIAL.Caps_Lock.keysym, SPECIAL.Caps_Lock.code, false);
    await this.sink.nextUpdate(1000).catch(() => undefined);
  }

  private get extended(): boolean {
    return this.sink.extendedKeys && !this.settings.plainKeysOnly;
  }

  private tap(keysym: number, code: number, down: boolean): void {
    this.sink.key(down, keysym, this.extended ? code : undefined);
  }

  private async stroke(p: Press): Promise<void> {
    const { holdMs, gapMs } = this.settings;
    if (p.altCode !== undefined) return this.altCode(p.altCode);
    if (p.ctrl) this.tap(SPECIAL.Control_L.keysym, SPECIAL.Control_L.code, true);
    this.tap(p.keysym, p.code, true);
    await sleep(holdMs);
    this.tap(p.keysym, p.code, false);
    if (p.ctrl) this.tap(SPECIAL.Control_L.keysym, SPECIAL.Control_L.code, false);
    await sleep(gapMs);
  }

  /**
   * Alt held while the code's decimal digits go in on the keypad: the Linux console then types that
   * character whatever the layouts (its keymaps put Ascii_0…9 on Alt+keypad). Keypad keys sit alike in
   * every keymap, so this reaches the guest even through a QEMU keymap that lacks the character.
   */
  private async altCode(code: number): Promise<void> {
    this.tap(SPECIAL.Alt_L.keysym, SPECIAL.Alt_L.code, true);
    for (const digit of String(code)) {
      const key = KEYPAD_DIGITS[Number(digit)]!;
      this.tap(key.keysym, key.code, true);
      await sleep(this.settings.holdMs);
      this.tap(key.keysym, key.code, false);
    }
    this.tap(SPECIAL.Alt_L.keysym, SPECIAL.Alt_L.code, false);
    await sleep(this.settings.gapMs);
  }

  /** Character → key press for the guest's layout (and, without the extension, QEMU's keymap). */
  private press(ch: string): Press {
    const special = specialFor(ch);
    if (special) return { keysym: special.keysym, code: special.code, shift: false, ctrl: false };
    const code = ch.charCodeAt(0);
    if (code >= 1 && code <= 26) {
      const letter = String.fromCharCode(code + 96);
      return { ...this.press(letter), ctrl: true };
    }
    const stroke = layout(this.settings.guest).get(ch);
    const keysym = stroke && this.keysymFor(ch, stroke);
    if (stroke && keysym !== undefined)
      return { keysym, code: stroke.code, shift: stroke.shift, ctrl: false };
    if (this.settings.altKeypad !== false && code >= 0x20 && code < 0x7f)
      return { keysym: 0, code: 0, shift: false, ctrl: false, altCode: code };
    const { guest, server } = this.settings;
    throw new RescueError('vnc.cannot-type', {
      char: describeChar(ch),
      layout: server === guest || server === 'us' ? guest : `${guest} (VNC server keymap ${server})`,
    });
  }

  /**
   * The keysym sent with the key: the character QEMU's own keymap has on that key. Without the
   * extension QEMU turns the keysym back into a key through that keymap; and a QEMU started with
   * `-k` ignores the extension's scancode and does the same. Sent this way, the key is right on both
   * paths. Keys QEMU's keymap lacks (the JIS Yen and Ro keys on en-us) only work through the scancode.
   */
  private keysymFor(ch: string, stroke: KeyStroke): number | undefined {
    const onServer = charFor(this.settings.server, stroke);
    if (onServer !== undefined) return onServer.codePointAt(0)!;
    if (this.extended) return ch.codePointAt(0)!;
    return undefined;
  }
}

function specialFor(ch: string): { keysym: number; code: number } | undefined {
  if (ch === '\r' || ch === '\n') return SPECIAL.Return;
  if (ch === '\x7f' || ch === '\b') return SPECIAL.BackSpace;
  if (ch === '\t') return SPECIAL.Tab;
  if (ch === '\x1b') return SPECIAL.Escape;
  return undefined;
}

/** What a press costs in the guest's keyboard queue (make + break of every key, modifiers included). */
function costOf(p: Press): number {
  if (p.altCode !== undefined) return 2 * (1 + String(p.altCode).length);
  return 2 * (1 + (p.shift ? 1 : 0) + (p.ctrl ? 1 : 0));
}

const describeChar = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;

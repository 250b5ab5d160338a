import type { KeyFlow } from './keyboard.js';

/**
 * Flow control by echo. A PS/2 keyboard queues 16 bytes; keys sent while a slow (emulated, loaded)
 * guest has not read them are dropped, and a lost Shift release leaves Shift stuck. So the scancode
 * bytes of characters typed but not yet echoed on the screen stay within `budget`. Input that never
 * echoes (a password) waits `silenceMs` per full window instead: slowly, but it goes.
 */
export class EchoWindow implements KeyFlow {
  /** Scancode bytes of each character typed and not yet seen echoed, oldest first. */
  private unconfirmed: number[] = [];
  private bytes = 0;
  private wake: (() => void) | undefined;
  /** Times the window waited in vain (no echo within silenceMs). */
  silences = 0;

  constructor(
    readonly budget: number,
    readonly silenceMs: number,
  ) {}

  /** The stream showed `chars` more characters. */
  echoed(chars: number): void {
    if (chars <= 0) return;
    for (let i = 0; i < chars && this.unconfirmed.length > 0; i++) this.bytes -= this.unconfirmed.shift()!;
    this.wake?.();
  }

  async beforeKey(bytes: number): Promise<void> {
    while (this.bytes > 0 && this.bytes + bytes > this.budget) {
      const progressed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.silenceMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      if (!progressed) {
        this.silences++;
        this.unconfirmed = [];
        this.bytes = 0;
      }
    }
    this.unconfirmed.push(bytes);
    this.bytes += bytes;
  }
}

/** Characters a stream chunk shows: escape sequences not counted, a line break counted once. */
export function shownChars(chunk: string): number {
  return chunk
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '').length;
}

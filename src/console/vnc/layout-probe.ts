import { charFor, layout, LAYOUTS, type LayoutName } from './layouts.js';

/**
 * Keys that give different characters on the two layouts, typed as a US keyboard would type
 * `'[@` (the quote key, the left-bracket key, Shift+2). A jp106 console shows `:@"` for the same keys.
 * The probe is erased again with BackSpace and never submitted.
 */
export const PROBE_TEXT = "'[@";

/**
 * What the probe prints on a guest layout, typed with the US keysyms. `qemuKeymap`: QEMU was started
 * with `-k` and turns each keysym back into a key through that keymap (ignoring the scancode sent
 * with it), holding Shift as we do; without it the guest gets the US keys themselves.
 */
export function probeEcho(guest: LayoutName, qemuKeymap?: LayoutName): string {
  return [...PROBE_TEXT]
    .map((ch) => {
      const typed = layout('us').get(ch)!;
      const code = qemuKeymap ? layout(qemuKeymap).get(ch)?.code : typed.code;
      return (code !== undefined && charFor(guest, { code, shift: typed.shift })) || '?';
    })
    .join('');
}

export const PROBE_ECHO: Readonly<Record<LayoutName, string>> = {
  us: probeEcho('us'),
  jp106: probeEcho('jp106'),
};

export interface LayoutProbe {
  /** The layout whose echo matched exactly; undefined when the echo was lost, doubled or unknown. */
  layout?: LayoutName;
  /**
   * Set when QEMU maps keysyms through a keymap other than US (`-k ja`): the keyboard must then send
   * the keysym that keymap has on the key the guest needs.
   */
  serverKeymap?: LayoutName;
  echo: string;
}

/**
 * The guest layout (and a non-US keymap of QEMU's, when `keysymsOnly`: the server ignored the
 * scancode) from what the probe's keys printed.
 */
export function layoutFromEcho(echo: string, keysymsOnly = false): LayoutProbe {
  const seen = echo.trim();
  for (const guest of LAYOUTS) {
    if (seen === probeEcho(guest)) return { layout: guest, echo: seen };
    if (!keysymsOnly) continue;
    for (const keymap of LAYOUTS.filter((k) => k !== 'us')) {
      if (seen === probeEcho(guest, keymap)) return { layout: guest, serverKeymap: keymap, echo: seen };
    }
  }
  return { echo: seen };
}

/** Where a probe may be typed: a prompt that echoes (getty's login: or a shell), nothing else. */
export const ECHOING_PROMPT = /(?:login: ?|[#$>] ?)$/;
/** getty's login prompt, where the user name's echo is checked before Enter. */
export const LOGIN_LINE = /login: ?$/;

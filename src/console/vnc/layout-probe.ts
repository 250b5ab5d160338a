import type { LayoutName } from './layouts.js';

/**
 * Keys that give different characters on the two layouts, typed as a US keyboard would type
 * `'[@` (the quote key, the left-bracket key, Shift+2). A jp106 console shows `:@"` for the same keys.
 * The probe is erased again with BackSpace and never submitted.
 */
export const PROBE_TEXT = "'[@";
export const PROBE_ECHO: Readonly<Record<LayoutName, string>> = { us: "'[@", jp106: ':@"' };

export interface LayoutProbe {
  /** The layout whose echo matched exactly; undefined when the echo was lost, doubled or unknown. */
  layout?: LayoutName;
  echo: string;
}

/** The guest layout from what the probe's keys printed. */
export function layoutFromEcho(echo: string): LayoutProbe {
  const seen = echo.trim();
  for (const name of Object.keys(PROBE_ECHO) as LayoutName[]) {
    if (seen === PROBE_ECHO[name]) return { layout: name, echo: seen };
  }
  return { echo: seen };
}

/** Where a probe may be typed: a prompt that echoes (getty's login: or a shell), nothing else. */
export const ECHOING_PROMPT = /(?:login: ?|[#$>] ?)$/;
/** getty's login prompt, where the user name's echo is checked before Enter. */
export const LOGIN_LINE = /login: ?$/;

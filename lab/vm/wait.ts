import { loadGlyphTables } from '../../src/console/vnc/font-tables.js';
import type { RfbClient } from '../../src/console/vnc/rfb-client.js';
import { ScreenReader } from '../../src/console/vnc/screen-reader.js';

/** Waits (reading the VNC screen) until getty's `login:` prompt is on it. */
export async function waitForLoginScreen(client: RfbClient, timeoutMs: number): Promise<void> {
  const reader = new ScreenReader(await loadGlyphTables());
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = reader.read(client.fb);
    if (text.lines.some((l) => /login: ?\uFFFD?\s*$/.test(l))) return;
    await client.nextUpdate(3000).catch(() => client.refresh());
  }
  throw new Error('the VM did not show a login prompt on its VNC console');
}

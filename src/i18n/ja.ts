import type { MessageKey } from './en.js';
import { cliJa } from './messages/cli.ja.js';
import { consoleJa } from './messages/console.ja.js';
import { coreJa } from './messages/core.ja.js';
import { labJa } from './messages/lab.ja.js';
import { providersJa } from './messages/providers.ja.js';
import { providerHints } from '../../providers/registry.js';
import { rescueJa } from './messages/rescue.ja.js';
import { preflightJa } from './messages/preflight.ja.js';
import { windowJa } from './messages/window.ja.js';
import { distrosJa } from './messages/distros.ja.js';

export const ja: Record<MessageKey, string> = {
  ...coreJa,
  ...consoleJa,
  ...providersJa,
  ...providerHints('ja'),
  ...rescueJa,
  ...labJa,
  ...windowJa,
  ...distrosJa,
  ...preflightJa,
  ...cliJa,
};

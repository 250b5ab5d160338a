import { cliEn } from './messages/cli.en.js';
import { consoleEn } from './messages/console.en.js';
import { coreEn } from './messages/core.en.js';
import { labEn } from './messages/lab.en.js';
import { providersEn } from './messages/providers.en.js';
import { providerHints } from '../../providers/registry.js';
import { rescueEn } from './messages/rescue.en.js';
import { preflightEn } from './messages/preflight.en.js';
import { windowEn } from './messages/window.en.js';
import { distrosEn } from './messages/distros.en.js';

/**
 * All English messages; one file per area keeps parallel work from colliding, and each provider's
 * own messages come from its folder through the registry.
 */
export const en = {
  ...coreEn,
  ...consoleEn,
  ...providersEn,
  ...providerHints('en'),
  ...rescueEn,
  ...labEn,
  ...windowEn,
  ...distrosEn,
  ...preflightEn,
  ...cliEn,
};
export type MessageKey = keyof typeof en;

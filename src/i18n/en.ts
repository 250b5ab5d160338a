import { cliEn } from './messages/cli.en.js';
import { consoleEn } from './messages/console.en.js';
import { coreEn } from './messages/core.en.js';
import { labEn } from './messages/lab.en.js';
import { providersEn } from './messages/providers.en.js';
import { rescueEn } from './messages/rescue.en.js';

/** All English messages; one file per area keeps parallel work from colliding. */
export const en = { ...coreEn, ...consoleEn, ...providersEn, ...rescueEn, ...labEn, ...cliEn };
export type MessageKey = keyof typeof en;

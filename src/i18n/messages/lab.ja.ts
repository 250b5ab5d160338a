import type { labEn } from './lab.en.js';

/** lab の日本語メッセージ。 */
export const labJa: Record<keyof typeof labEn, string> = {};

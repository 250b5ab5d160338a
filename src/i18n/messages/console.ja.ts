import type { consoleEn } from './console.en.js';

/** console の日本語メッセージ。 */
export const consoleJa: Record<keyof typeof consoleEn, string> = {};

import type { rescueEn } from './rescue.en.js';

/** rescue の日本語メッセージ。 */
export const rescueJa: Record<keyof typeof rescueEn, string> = {};

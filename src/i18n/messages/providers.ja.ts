import type { providersEn } from './providers.en.js';

/** providers の日本語メッセージ。 */
export const providersJa: Record<keyof typeof providersEn, string> = {};

/** English messages of the console area. Every key must exist in console.ja.ts too (enforced by its type). */
export const consoleEn = {} as const;

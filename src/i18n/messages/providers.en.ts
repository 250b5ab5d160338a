/** English messages of the providers area. Every key must exist in providers.ja.ts too (enforced by its type). */
export const providersEn = {} as const;

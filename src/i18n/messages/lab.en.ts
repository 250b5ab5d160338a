/** English messages of the lab area. Every key must exist in lab.ja.ts too (enforced by its type). */
export const labEn = {} as const;

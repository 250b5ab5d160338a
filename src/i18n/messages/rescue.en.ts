/** English messages of the rescue area. Every key must exist in rescue.ja.ts too (enforced by its type). */
export const rescueEn = {} as const;

/**
 * This provider's messages, in every language. ConoHa speaks through the OpenStack adapter, whose
 * messages it shares, so it adds none of its own.
 */
export const conohaHintsEn = {} as const;

export const conohaHintsJa: Record<keyof typeof conohaHintsEn, string> = {};

export const conohaHints = { en: conohaHintsEn, ja: conohaHintsJa };

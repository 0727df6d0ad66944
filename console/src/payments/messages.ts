// This part's console texts, Russian first; `en` has the same keys (its type is `ru`'s), so a text
// missing in English fails the typecheck. Merged into the app's messages in i18n/index.ts.
export const ru = {};

export const en: typeof ru = {};

import type { Language } from '../db/schema/users.ts';
import type { Localized } from '../http/errors.ts';

export function localize(text: Localized, language: Language): string {
  return typeof text === 'string' ? text : text[language];
}

/**
 * The language a client asked for: the first of `en`/`ru` in Accept-Language by preference order;
 * Russian when it names neither.
 */
export function languageFromHeader(header: string | undefined): Language {
  if (!header) return 'ru';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    if (entry.tag === 'en' || entry.tag.startsWith('en-')) return 'en';
    if (entry.tag === 'ru' || entry.tag.startsWith('ru-')) return 'ru';
  }
  return 'ru';
}

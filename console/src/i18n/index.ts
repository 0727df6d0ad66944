// Russian by default, English on request (the switch in the app bar and on the login page); the
// choice is remembered in this browser. react-admin's own texts come from ra-language-russian and
// ra-language-english; keys missing from the Russian pack fall back to English, never to a raw key.
import polyglotI18nProvider from 'ra-i18n-polyglot';
import englishMessages from 'ra-language-english';
import russianMessages from 'ra-language-russian';
import * as buyerCatalog from '../buyer/catalog/messages.ts';
import * as buyerPurchasing from '../buyer/purchasing/messages.ts';
import * as payments from '../payments/messages.ts';
import * as stats from '../stats/messages.ts';
import { en } from './en.ts';
import { ru } from './ru.ts';

// Each part of the console keeps its texts beside its pages.
const PARTS: { ru: Tree; en: Tree }[] = [buyerCatalog, buyerPurchasing, payments, stats];

type Tree = { [key: string]: unknown };

function merge(...trees: Tree[]): Tree {
  const out: Tree = {};
  for (const tree of trees) {
    for (const [key, value] of Object.entries(tree)) {
      out[key] =
        value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        out[key] &&
        typeof out[key] === 'object'
          ? merge(out[key] as Tree, value as Tree)
          : value;
    }
  }
  return out;
}

const MESSAGES: Record<'ru' | 'en', Tree> = {
  ru: merge(
    englishMessages as unknown as Tree,
    russianMessages as unknown as Tree,
    ru,
    ...PARTS.map((part) => part.ru),
  ),
  en: merge(englishMessages as unknown as Tree, en, ...PARTS.map((part) => part.en)),
};

export function createI18nProvider(locale: 'ru' | 'en') {
  return polyglotI18nProvider(
    (wanted) => MESSAGES[wanted === 'en' ? 'en' : 'ru'] as never,
    locale,
    [
      { locale: 'ru', name: 'Русский' },
      { locale: 'en', name: 'English' },
    ],
    { allowMissing: true },
  );
}

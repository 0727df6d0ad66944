// Cyrillic ↔ Latin spellings of a search word, for brand names buyers type in the other alphabet:
// "самсунг" → "samsung", "sony" → "сони". A simple practical scheme (ГОСТ 7.79 B without
// diacritics, the digraphs buyers actually type); it is one more alternative of the word, never a
// replacement, so a wrong guess only costs a search term that matches nothing.

const CYR_TO_LAT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

// Longest first: "sch" before "sh" and "ch".
const LAT_TO_CYR: [string, string][] = [
  ['sch', 'щ'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ts', 'ц'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['yo', 'е'],
  ['ph', 'ф'],
  ['oo', 'у'],
  ['ee', 'и'],
  ['a', 'а'],
  ['b', 'б'],
  ['c', 'к'],
  ['d', 'д'],
  ['e', 'е'],
  ['f', 'ф'],
  ['g', 'г'],
  ['h', 'х'],
  ['i', 'и'],
  ['j', 'дж'],
  ['k', 'к'],
  ['l', 'л'],
  ['m', 'м'],
  ['n', 'н'],
  ['o', 'о'],
  ['p', 'п'],
  ['q', 'к'],
  ['r', 'р'],
  ['s', 'с'],
  ['t', 'т'],
  ['u', 'у'],
  ['v', 'в'],
  ['w', 'в'],
  ['x', 'кс'],
  ['y', 'и'],
  ['z', 'з'],
];

/** The word in the other alphabet, or null when it is not wholly one alphabet's letters (or too short). */
export function transliterate(word: string): string | null {
  if (word.length < 3) return null;
  if (/^[а-яё]+$/.test(word)) {
    return [...word.replace(/ё/g, 'е')].map((letter) => CYR_TO_LAT[letter] ?? '').join('') || null;
  }
  if (/^[a-z]+$/.test(word)) {
    let out = '';
    for (let i = 0; i < word.length; ) {
      const [latin, cyrillic] = LAT_TO_CYR.find(([latin]) => word.startsWith(latin, i))!;
      out += cyrillic;
      i += latin.length;
    }
    return out;
  }
  return null;
}

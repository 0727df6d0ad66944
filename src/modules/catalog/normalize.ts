// Names as the catalog compares them. Two suppliers' "Смартфоны", "смартфоны " and "СМАРТФОНЫ" are
// one category; "Ёлка" and "елка" are one word. Names are always normalised here, in JS, and the
// database only compares the results, so set-based imports and single-row writes agree.

/** lower case, ё→е, every run of whitespace to one space, trimmed. */
export function normalizeName(value: string): string {
  return value.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}
